package io.itdr.core.decide.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

@SuppressWarnings("unchecked")
class PolicyVariablesTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");
    private static final IdentityRef REF = IdentityRef.of("sa-1");

    private final Finding finding = new Finding("f1", "token_replay", T, "gcp/-/sa-1", "gcp", null, REF, null, 0.5,
            "s", List.of("e1"), List.of("T1550.001"), Map.of("variant", "multi_source"));
    private final IdentityRecord unknown = IdentityRecord.unknown("gcp/-/sa-1", "gcp", null, REF);

    @Test
    void activationFillsExactlyTheDeclaredFields() {
        IdentityEvent event = IdentityEvent.builder("e1", T, "gcp", REF).category(EventCategory.AUTHENTICATION).build();
        var activation = PolicyVariables.activation(finding, 0.6, unknown, event).withAction(Rung.NOTIFY, Optional.empty());
        Map<String, Object> vars = activation.variables();
        PolicyVariables.declaredFields().forEach((variable, fields) ->
                assertThat(((Map<String, Object>) vars.get(variable)).keySet()).as(variable).containsExactlyInAnyOrderElementsOf(fields));
    }

    @Test
    void unknownValuesAreEmptyOrSentinelNeverNull() {
        var vars = PolicyVariables.activation(finding, 0.6, unknown, null).variables();
        Map<String, Object> identity = (Map<String, Object>) vars.get("identity");
        Map<String, Object> event = (Map<String, Object>) vars.get("event");
        assertThat(identity.get("owner")).isEqualTo("");
        assertThat(identity.get("owner_known")).isEqualTo(false);
        assertThat(identity.get("tier")).isEqualTo(4L);
        assertThat(identity.get("criticality")).isEqualTo("unknown");
        assertThat(identity.get("maturity")).isEqualTo("unknown");
        assertThat(identity.get("catalogued")).isEqualTo(false);
        assertThat(event.get("present")).isEqualTo(false);
        assertThat(event.get("asn")).isEqualTo(-1L);
        assertThat(event.get("token_age_seconds")).isEqualTo(-1L);
        assertThat(event.values()).doesNotContainNull();
        assertThat(((Map<String, Object>) vars.get("finding")).get("confidence")).as("the escalated confidence").isEqualTo(0.6);
    }

    @Test
    void eventFieldsComeFromTheTrigger() {
        IdentityEvent event = IdentityEvent.builder("e1", T, "gcp", REF)
                .category(EventCategory.API_CALL)
                .action("storage.objects.get")
                .source(new Source("198.51.100.4", 15169L, "Google", new Geo("US", null, null, null, null), "curl/8", true))
                .session(new SessionInfo("s1", "t1", T.minusSeconds(90), null))
                .build();
        Map<String, Object> e = (Map<String, Object>) PolicyVariables.activation(finding, 0.5, unknown, event).variables().get("event");
        assertThat(e).containsEntry("category", "api_call").containsEntry("asn", 15169L).containsEntry("country", "US")
                .containsEntry("token_age_seconds", 90L).containsEntry("proxy", true).containsEntry("has_workload", false)
                .containsEntry("outcome", "success").containsEntry("source_ip", "198.51.100.4");
    }

    @Test
    void actionNamesReversibilityOrNone() {
        var vars = PolicyVariables.activation(finding, 0.5, unknown, null)
                .withAction(Rung.DISABLE_IDENTITY, Optional.of(Reversibility.IRREVERSIBLE)).variables();
        assertThat((Map<String, Object>) vars.get("action")).containsEntry("rung", "disable_identity").containsEntry("reversibility", "irreversible");
        vars = PolicyVariables.activation(finding, 0.5, unknown, null).withAction(Rung.STEP_UP, Optional.empty()).variables();
        assertThat((Map<String, Object>) vars.get("action")).containsEntry("reversibility", "none");
    }

    @Test
    void conditionRuntimeErrorIsACheckedFailureNotACrash() {
        Policy policy = PolicyLoader.parse("""
                name: t
                version: "1"
                mode: enforce
                rules:
                  - id: r
                    when: finding.attributes['absent'] == 'x'
                    rung: notify
                """, "t.yaml");
        Condition when = policy.rules().get(0).when();
        var vars = PolicyVariables.activation(finding, 0.5, unknown, null).variables();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> when.evaluate(vars))
                .isInstanceOf(Condition.ConditionException.class).hasMessageContaining("absent");
    }
}
