package io.itdr.core.decide;

import io.itdr.fixture.clock.SettableClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.model.Criticality;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Mode;
import io.itdr.spi.action.Rung;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped policy does what its comments say. */
class DefaultPolicyTest {
    private final PolicyEngine engine = new PolicyEngine(PolicyLoader.loadDefault(), new SettableClock(Scenario.T0),
            RollbackPaths.typical());

    /** Each scenario is its own incident (incidents are tested in IncidentsTest). */
    private Decision decide(Scenario s) {
        engine.incidents().clear();
        return engine.decide(s.finding(), s.identity(), s.event(true));
    }

    @Test
    void everythingIsShadowUntilAnOperatorPromotesIt() {
        assertThat(decide(Scenario.of("token_replay", 0.93)).mode()).isEqualTo(Mode.SHADOW);
    }

    @Test
    void tokenReplayOnAnOwnedTier2IdentityQuarantinesTheSession() {
        Decision d = decide(Scenario.of("token_replay", 0.93).attributes(Map.of("variant", "multi_source")));
        assertThat(d.ruleId()).isEqualTo("token-replay-quarantine");
        assertThat(d.rung()).isEqualTo(Rung.QUARANTINE_SESSION);
        assertThat(d.hold()).isFalse();
    }

    @Test
    void tokenReplayOnASharedOrTier0IdentityIsHeld() {
        Decision shared = decide(Scenario.of("token_replay", 0.93).consumers("billing", "etl"));
        assertThat(shared.hold()).isTrue();
        assertThat(shared.guardrails()).containsExactly("shared_identity");
        Decision tier0 = decide(Scenario.of("token_replay", 0.93).criticality(Criticality.TIER0));
        assertThat(tier0.hold()).isTrue();
        assertThat(tier0.rung()).isEqualTo(Rung.MONITOR);
    }

    @Test
    void aCredentialOrIdentityDisabledOnAConfidentFindingIsNeverRestoredAutomatically() {
        var policy = io.itdr.core.decide.policy.PolicyLoader.loadDefault();
        assertThat(policy.recoveryFor(Rung.DISABLE_CREDENTIAL).orElseThrow().keepAtConfidence()).isEqualTo(0.9);
        assertThat(policy.recoveryFor(Rung.DISABLE_IDENTITY).orElseThrow().keepAtConfidence()).isEqualTo(0.9);
        assertThat(policy.recoveryFor(Rung.QUARANTINE_SESSION).orElseThrow().keepAtConfidence()).isNull();
    }

    @Test
    void weakTokenReplayOnlyRaisesMonitoring() {
        assertThat(decide(Scenario.of("token_replay", 0.6)).rung()).isEqualTo(Rung.MONITOR);
    }

    @Test
    void confidentPlatformFindingAndDormantKeyDisableTheCredential() {
        assertThat(decide(Scenario.of("platform_finding", 0.95)).rung()).isEqualTo(Rung.DISABLE_CREDENTIAL);
        assertThat(decide(Scenario.of("dormant_reactivated", 0.85)).rung()).isEqualTo(Rung.DISABLE_CREDENTIAL);
        assertThat(decide(Scenario.of("dormant_reactivated", 0.6)).rung()).as("falls through to notify").isEqualTo(Rung.NOTIFY);
    }

    @Test
    void impossibleTravelQuarantinesTheSession() {
        assertThat(decide(Scenario.of("impossible_travel", 0.8)).rung()).isEqualTo(Rung.QUARANTINE_SESSION);
    }

    @Test
    void adminPrivilegeChangeThenUseHoldsDisableIdentityForApproval() {
        // the detector judges administrative power (managed-policy semantics); the policy reads its verdict
        Decision d = decide(Scenario.of("privilege_change_then_use", 0.9)
                .attributes(Map.of("scopes", "iam:*", "administrative", "true")));
        assertThat(d.ruleId()).isEqualTo("privilege-admin-disable-identity");
        assertThat(d.intendedRung()).isEqualTo(Rung.DISABLE_IDENTITY);
        assertThat(d.hold()).isTrue();
        assertThat(d.rung()).isEqualTo(Rung.QUARANTINE_SESSION);

        Decision plain = decide(Scenario.of("privilege_change_then_use", 0.9)
                .attributes(Map.of("scopes", "arn:aws:iam::aws:policy/ReadOnlyAccess", "administrative", "false")));
        assertThat(plain.ruleId()).isEqualTo("privilege-change-notify");
    }

    @Test
    void newSourceNotifiesWhenWeakAndMonitorsOtherwise() {
        assertThat(decide(Scenario.of("new_source", 0.4)).rung()).isEqualTo(Rung.NOTIFY);
        assertThat(decide(Scenario.of("new_source", 0.7)).rung()).isEqualTo(Rung.MONITOR);
    }

    @Test
    void breakGlassIdentitiesAreNeverContainedAutomatically() {
        Decision d = decide(Scenario.of("platform_finding", 0.95).tags(Map.of("itdr/break-glass", "true")));
        assertThat(d.guardrails()).containsExactly("break-glass");
        assertThat(d.rung()).isEqualTo(Rung.MONITOR);
    }
}
