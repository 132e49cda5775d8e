package io.itdr.core.recover;

import static io.itdr.core.testing.ActionHarness.acting;
import static io.itdr.core.testing.ActionHarness.finding;
import static io.itdr.core.testing.ActionHarness.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionRefusedException;
import io.itdr.core.act.ActionState;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Mode;
import io.itdr.core.testing.ActionHarness;
import io.itdr.core.testing.InMemoryPlatform;
import io.itdr.spi.action.Rung;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuarantineExpiryTest {
    private static final Duration DAY = Duration.ofHours(24);

    private final ActionHarness h = new ActionHarness();
    private final QuarantineExpiry expiry = new QuarantineExpiry(h.journal, h.rollback, h.killSwitch,
            Map.of(Rung.QUARANTINE_SESSION, DAY), "system");
    private final ActionRecord quarantine;
    private final ActionRecord disabledKey;

    QuarantineExpiryTest() {
        h.platform.addIdentity("svc").addCredential("svc", "k1", true).openSession("svc", "s-1");
        Finding finding = finding("svc");
        quarantine = h.coordinator.handle(acting("d-1", finding, Mode.ENFORCE,
                List.of(request(Rung.QUARANTINE_SESSION, "svc", null))), finding).get(0);
        disabledKey = h.coordinator.handle(acting("d-2", finding, Mode.ENFORCE,
                List.of(request(Rung.DISABLE_CREDENTIAL, "svc", "k1"))), finding).get(0);
    }

    @Test
    void restoresUnconfirmedQuarantinesOncePastTheirExpiry() {
        assertThat(expiry.expiresAt(quarantine)).contains(quarantine.executedAt().plus(DAY));
        assertThat(expiry.expiresAt(disabledKey)).isEmpty();
        h.clock.advance(DAY.minusSeconds(1));
        assertThat(expiry.restoreDue()).isEmpty();

        h.clock.advance(Duration.ofSeconds(1));
        List<ActionRecord> restored = expiry.restoreDue();

        assertThat(restored).extracting(ActionRecord::id).containsExactly(quarantine.id());
        assertThat(restored.get(0).state()).isEqualTo(ActionState.ROLLED_BACK);
        assertThat(h.platform.state()).containsEntry(InMemoryPlatform.sessionQuarantineKey("svc"), "off");
        assertThat(h.store.find(disabledKey.id()).orElseThrow().state()).isEqualTo(ActionState.VERIFIED);
        assertThat(h.entries().get(h.entries().size() - 1).actor()).isEqualTo("system");
        assertThat(expiry.restoreDue()).isEmpty();
    }

    @Test
    void confirmedQuarantinesStay() {
        ActionRecord confirmed = expiry.confirm(quarantine.id(), "user:owner");
        h.clock.advance(DAY.multipliedBy(2));

        assertThat(expiry.restoreDue()).isEmpty();
        assertThat(confirmed.confirmedBy()).isEqualTo("user:owner");
        assertThat(confirmed.state()).isEqualTo(ActionState.VERIFIED);
        assertThat(h.ledgerKinds()).contains(LedgerKinds.ACTION_CONFIRMED);
        assertThat(h.platform.state()).containsEntry(InMemoryPlatform.sessionQuarantineKey("svc"), "on");
    }

    @Test
    void onlyExpiringActionsInForceCanBeConfirmed() {
        assertThatThrownBy(() -> expiry.confirm(disabledKey.id(), "user:owner"))
                .isInstanceOfSatisfying(ActionRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(ActionRefusedException.Refusal.ILLEGAL_STATE));
    }

    @Test
    void restoresPauseWhileTheKillSwitchIsEngaged() {
        h.killSwitch.engage("user:oncall", "incident");
        h.clock.advance(DAY);

        assertThat(expiry.restoreDue()).isEmpty();

        h.killSwitch.release("user:oncall", "over");
        assertThat(expiry.restoreDue()).hasSize(1);
    }

    @Test
    void aDriftedQuarantineIsRefusedOnceAndLeftForAPerson() {
        h.platform.setSessionQuarantine("svc", false);
        h.clock.advance(DAY);

        assertThat(expiry.restoreDue()).isEmpty();
        assertThat(expiry.restoreDue()).isEmpty();

        assertThat(h.ledgerKinds().stream().filter(LedgerKinds.ACTION_ROLLBACK_REFUSED::equals)).hasSize(1);
        assertThat(h.store.find(quarantine.id()).orElseThrow().state()).isEqualTo(ActionState.VERIFIED);
    }

    @Test
    void expiriesMustBePositive() {
        assertThatThrownBy(() -> new QuarantineExpiry(h.journal, h.rollback, h.killSwitch,
                Map.of(Rung.QUARANTINE_SESSION, Duration.ZERO), "system")).hasMessageContaining("quarantine_session");
    }

    @Test
    void aKeyDisabledOnAConfidentCompromiseFindingIsNeverRestoredWithoutAPerson() {
        QuarantineExpiry keeping = new QuarantineExpiry(h.journal, h.rollback, h.killSwitch,
                Map.of(Rung.QUARANTINE_SESSION, DAY, Rung.DISABLE_CREDENTIAL, DAY), Map.of(Rung.DISABLE_CREDENTIAL, 0.9), "system");
        assertThat(disabledKey.findingConfidence()).isEqualTo(0.92);
        assertThat(keeping.keptForAPerson(disabledKey)).hasValueSatisfying(why -> assertThat(why).contains("0.92", "0.9"));
        assertThat(keeping.keptForAPerson(quarantine)).as("no floor for quarantine_session").isEmpty();

        h.clock.advance(DAY);
        List<ActionRecord> restored = keeping.restoreDue();
        assertThat(restored).extracting(ActionRecord::id).containsExactly(quarantine.id());
        assertThat(h.store.find(disabledKey.id()).orElseThrow().state()).isEqualTo(ActionState.VERIFIED);
        assertThat(h.platform.state()).containsEntry(InMemoryPlatform.credentialKey("svc", "k1"), "Inactive");
        assertThat(h.ledgerKinds()).containsOnlyOnce(LedgerKinds.ACTION_RESTORE_WITHHELD);
        assertThat(keeping.restoreDue()).as("withheld once, not again").isEmpty();
        assertThat(h.ledgerKinds()).containsOnlyOnce(LedgerKinds.ACTION_RESTORE_WITHHELD);

        // a person decides: here, to restore it
        assertThat(h.rollback.rollback(disabledKey.id(), "user:alice", false).state()).isEqualTo(ActionState.ROLLED_BACK);
    }
}
