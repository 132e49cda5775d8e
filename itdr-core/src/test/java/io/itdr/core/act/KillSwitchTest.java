package io.itdr.core.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerException;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.fixture.clock.SettableClock;
import org.junit.jupiter.api.Test;

class KillSwitchTest {
    private final SettableClock clock = SettableClock.start();
    private final FailingLedger ledger = new FailingLedger(clock);
    private final KillSwitch killSwitch = new KillSwitch(ledger, clock);

    @Test
    void engageAndReleaseAreLedgeredWithWhoAndWhy() {
        KillSwitch.State engaged = killSwitch.engage("user:oncall", "runaway policy");

        assertThat(engaged).isEqualTo(new KillSwitch.State(true, "user:oncall", "runaway policy", clock.instant()));
        assertThat(killSwitch.isEngaged()).isTrue();
        assertThat(killSwitch.engage("user:other", "again")).isEqualTo(engaged);

        killSwitch.release("user:lead", "policy fixed");

        assertThat(killSwitch.isEngaged()).isFalse();
        assertThat(ledger.read(1, 10)).extracting(LedgerEntry::kind, LedgerEntry::actor, LedgerEntry::result).containsExactly(
                tuple(LedgerKinds.KILLSWITCH, "user:oncall", "engaged"),
                tuple(LedgerKinds.KILLSWITCH, "user:lead", "released"));
        assertThat(ledger.read(1, 1).get(0).evidence()).containsEntry("reason", "runaway policy");
    }

    @Test
    void engagesEvenWhenTheLedgerFails() {
        ledger.failOn("*");

        assertThatThrownBy(() -> killSwitch.engage("user:oncall", "stop")).isInstanceOf(LedgerException.class);

        assertThat(killSwitch.isEngaged()).isTrue();
    }

    @Test
    void staysEngagedWhenTheReleaseCannotBeLedgered() {
        killSwitch.engage("user:oncall", "stop");
        ledger.failOn("*");

        assertThatThrownBy(() -> killSwitch.release("user:oncall", "go")).isInstanceOf(LedgerException.class);

        assertThat(killSwitch.isEngaged()).isTrue();
    }

    @Test
    void whoAndWhyAreRequired() {
        assertThatThrownBy(() -> killSwitch.engage(" ", "x")).hasMessageContaining("actor");
        assertThatThrownBy(() -> killSwitch.engage("user:a", null)).hasMessageContaining("reason");
        assertThat(killSwitch.isEngaged()).isFalse();
    }
}
