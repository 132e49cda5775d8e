package io.itdr.connector.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.event.IdentityRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RungDispatchTest {
    private static final Snapshot STATE = new Snapshot(Map.of("k", "v"), Instant.EPOCH);

    private final RungDispatch<String> dispatch = RungDispatch.<String>builder("demo")
            .rung(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE, "deactivate-key")
            .choose(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, request -> switch (String.valueOf(request.target().identity().kind())) {
                case "app" -> "disable-app";
                case "user" -> "suspend-user";
                default -> throw ActionTargets.refuse("demo", request, "it acts on identities of kind app or user");
            })
            .action("disable-app", "the app switch")
            .action("suspend-user", "the user switch")
            .build();

    private static ActionRequest request(Rung rung, String kind) {
        return new ActionRequest(rung, new ActionTarget(null, new IdentityRef("id-1", kind, null), null), Map.of());
    }

    private static ActionPlan plan(String connectorId, ActionRequest request, Map<String, String> details) {
        return new ActionPlan(connectorId, request, List.of(), Reversibility.REVERSIBLE, STATE, STATE, "summary", details);
    }

    @Test
    void itListsTheRungsWithTheirReversibility() {
        assertThat(dispatch.rungs()).containsOnly(Map.entry(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE),
                Map.entry(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE));
        assertThatThrownBy(() -> dispatch.rungs().put(Rung.STEP_UP, Reversibility.COMPENSABLE)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(dispatch.connectorId()).isEqualTo("demo");
    }

    @Test
    void aRequestGoesToTheRungsActionOrTheOneChosenForItsTarget() {
        assertThat(dispatch.forRequest(request(Rung.DISABLE_CREDENTIAL, null))).isEqualTo("deactivate-key");
        assertThat(dispatch.forRequest(request(Rung.DISABLE_IDENTITY, "app"))).isEqualTo("the app switch");
        assertThat(dispatch.forRequest(request(Rung.DISABLE_IDENTITY, "user"))).isEqualTo("the user switch");
    }

    @Test
    void aRungNotOfferedIsRefusedWithTheStandardError() {
        assertThatThrownBy(() -> dispatch.forRequest(request(Rung.STEP_UP, "app"))).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
            assertThat(e.getMessage()).isEqualTo("Connector 'demo' does not support rung step_up");
        });
        assertThatThrownBy(() -> dispatch.forPlan(plan("demo", request(Rung.STEP_UP, "app"), Map.of())))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED));
    }

    @Test
    void aTargetTheChooserDoesNotActOnIsRefusedWithTheChoosersReason() {
        assertThatThrownBy(() -> dispatch.forRequest(request(Rung.DISABLE_IDENTITY, "robot"))).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
            assertThat(e.getMessage()).isEqualTo("Connector 'demo' does not support disable_identity for robot id-1: "
                    + "it acts on identities of kind app or user");
        });
    }

    @Test
    void aPlanIsFoundAgainByItsRungOrByTheActionItNames() {
        assertThat(dispatch.forPlan(plan("demo", request(Rung.DISABLE_CREDENTIAL, null), Map.of()))).isEqualTo("deactivate-key");
        assertThat(dispatch.forPlan(plan("demo", request(Rung.DISABLE_IDENTITY, "user"), Map.of(RungDispatch.ACTION, "suspend-user"))))
                .isEqualTo("the user switch");
    }

    @Test
    void aPlanOfAnotherConnectorIsRefused() {
        assertThatThrownBy(() -> dispatch.forPlan(plan("okta", request(Rung.DISABLE_CREDENTIAL, null), Map.of())))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.getMessage()).isEqualTo("plan was made by connector 'okta', not 'demo'");
                });
    }

    @Test
    void aPlanThatDoesNotNameThisConnectorsActionForItsTargetIsRefused() {
        ActionRequest app = request(Rung.DISABLE_IDENTITY, "app");
        assertThatThrownBy(() -> dispatch.forPlan(plan("demo", app, Map.of()))).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).isEqualTo("plan for disable_identity lacks detail 'action': it was not made by this connector's plan()");
        });
        assertThatThrownBy(() -> dispatch.forPlan(plan("demo", app, Map.of(RungDispatch.ACTION, "delete-everything"))))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.getMessage()).isEqualTo("plan names action 'delete-everything', which this connector does not have");
                });
        assertThatThrownBy(() -> dispatch.forPlan(plan("demo", app, Map.of(RungDispatch.ACTION, "suspend-user"))))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
                    assertThat(e.getMessage()).isEqualTo("plan names action 'suspend-user', but this connector carries out "
                            + "disable_identity for app id-1 with 'disable-app'");
                });
    }

    @Test
    void theBuilderRefusesObservingRungsRepeatsAndChoosersNamingNothing() {
        assertThatThrownBy(() -> RungDispatch.<String>builder("demo").rung(Rung.OBSERVE, Reversibility.REVERSIBLE, "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("observe");
        assertThatThrownBy(() -> RungDispatch.<String>builder("demo").rung(Rung.STEP_UP, Reversibility.COMPENSABLE, "x")
                .choose(Rung.STEP_UP, Reversibility.COMPENSABLE, r -> "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rung step_up added twice");
        assertThatThrownBy(() -> RungDispatch.<String>builder("demo").action("a", "x").action("a", "y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("action 'a' added twice");
        RungDispatch<String> careless = RungDispatch.<String>builder("demo").choose(Rung.STEP_UP, Reversibility.COMPENSABLE, r -> "nothing").build();
        assertThatThrownBy(() -> careless.forRequest(request(Rung.STEP_UP, "app"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'nothing'");
    }
}
