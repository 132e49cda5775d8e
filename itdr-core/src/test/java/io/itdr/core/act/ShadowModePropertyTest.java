package io.itdr.core.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Mode;
import io.itdr.core.testing.ActionHarness;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.Rung;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Shadow mode never calls an executor, whatever the decision, the platform or the kill switch. */
class ShadowModePropertyTest {

    @Property(tries = 200)
    void shadowModeNeverCallsAnExecutor(@ForAll("actions") List<ActionRequest> actions,
                                        @ForAll("actions") List<ActionRequest> held,
                                        @ForAll boolean hold, @ForAll boolean killSwitchEngaged) {
        ActionHarness h = new ActionHarness();
        h.platform.addIdentity("svc").addCredential("svc", "k1", true).openSession("svc", "s-1");
        if (killSwitchEngaged) {
            h.killSwitch.engage("user:oncall", "drill");
        }
        Map<String, String> before = h.platform.state();
        Finding finding = ActionHarness.finding("svc");
        Decision decision = hold
                ? ActionHarness.holding("d-1", finding, Mode.SHADOW, actions, held)
                : ActionHarness.acting("d-1", finding, Mode.SHADOW, actions);
        long entriesBefore = h.ledger.size();

        List<ActionRecord> records = h.coordinator.handle(decision, finding);

        assertThat(h.executor.invocations()).isEmpty();
        assertThat(h.executor.mutatingCalls()).isZero();
        assertThat(h.platform.state()).isEqualTo(before);
        assertThat(records).isEmpty();
        assertThat(h.store.inStates(Set.of(ActionState.values()))).isEmpty();
        List<LedgerEntry> written = h.ledger.read(entriesBefore + 1, Integer.MAX_VALUE);
        assertThat(written).allSatisfy(e -> assertThat(e.kind()).isEqualTo(LedgerKinds.ACTION_SHADOW));
        assertThat(written).hasSize(actions.size() + (hold ? held.size() : 0));
    }

    @Provide
    Arbitrary<List<ActionRequest>> actions() {
        Rung[] platformRungs = Arrays.stream(Rung.values()).filter(Rung::changesPlatform).toArray(Rung[]::new);
        Arbitrary<String> identity = Arbitraries.of("svc", "ghost");
        Arbitrary<String> credential = Arbitraries.of("k1", "k-missing").injectNull(0.4);
        return Combinators.combine(Arbitraries.of(platformRungs), identity, credential)
                .as(ActionHarness::request)
                .list().ofMaxSize(4);
    }
}
