package io.itdr.core.recover;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Mode;
import io.itdr.core.testing.ActionHarness;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** For a reversible action, execute then roll back leaves the platform exactly as it was. */
class RevertRestoresSnapshotPropertyTest {

    /** One identity of a random platform. */
    record IdentitySetup(boolean enabled, boolean denyPolicy, boolean quarantined, List<Boolean> credentialsActive, int sessions) {
    }

    @Property(tries = 200)
    void rollbackAfterExecuteRestoresTheSnapshot(@ForAll("platforms") List<IdentitySetup> identities,
                                                 @ForAll @IntRange(max = 1000) int targetChoice,
                                                 @ForAll boolean disableIdentity) {
        ActionHarness h = new ActionHarness();
        for (int i = 0; i < identities.size(); i++) {
            IdentitySetup setup = identities.get(i);
            String id = "id-" + i;
            h.platform.addIdentity(id);
            for (int s = 0; s < setup.sessions(); s++) {
                h.platform.openSession(id, "s-" + i + "-" + s);
            }
            h.platform.setEnabled(id, setup.enabled());
            h.platform.setDenyPolicy(id, setup.denyPolicy());
            h.platform.setSessionQuarantine(id, setup.quarantined());
            for (int c = 0; c < setup.credentialsActive().size(); c++) {
                h.platform.addCredential(id, "k-" + i + "-" + c, setup.credentialsActive().get(c));
            }
        }
        int target = targetChoice % identities.size();
        List<Boolean> credentials = identities.get(target).credentialsActive();
        Rung rung = disableIdentity || credentials.isEmpty() ? Rung.DISABLE_IDENTITY : Rung.DISABLE_CREDENTIAL;
        String credential = rung == Rung.DISABLE_CREDENTIAL ? "k-" + target + "-" + (targetChoice % credentials.size()) : null;
        String identity = "id-" + target;
        Finding finding = ActionHarness.finding(identity);
        Map<String, String> before = h.platform.state();

        ActionRecord executed = h.coordinator.handle(ActionHarness.acting("d-1", finding, Mode.ENFORCE,
                List.of(ActionHarness.request(rung, identity, credential))), finding).get(0);
        ActionRecord rolledBack = h.rollback.rollback(executed.id(), "user:alice", false);

        assertThat(executed.plan().reversibility()).isEqualTo(Reversibility.REVERSIBLE);
        assertThat(executed.state()).isEqualTo(ActionState.VERIFIED);
        assertThat(rolledBack.state()).isEqualTo(ActionState.ROLLED_BACK);
        assertThat(rolledBack.revert().restored().sameStateAs(executed.plan().preState())).isTrue();
        assertThat(h.platform.state()).isEqualTo(before);
    }

    @Provide
    Arbitrary<List<IdentitySetup>> platforms() {
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        return Combinators.combine(flag, flag, flag, flag.list().ofMaxSize(3), Arbitraries.integers().between(0, 2))
                .as(IdentitySetup::new)
                .list().ofMinSize(1).ofMaxSize(3);
    }
}
