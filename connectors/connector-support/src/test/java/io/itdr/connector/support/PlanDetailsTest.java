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

class PlanDetailsTest {
    private static final Snapshot STATE = new Snapshot(Map.of("k", "v"), Instant.EPOCH);
    private static final ActionPlan PLAN = new ActionPlan("demo",
            new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(null, IdentityRef.of("u"), null), Map.of()),
            List.of(), Reversibility.REVERSIBLE, STATE, STATE, "summary", Map.of("userName", "alice"));

    @Test
    void aDetailThePlanCarriesIsRead() {
        assertThat(PlanDetails.require(PLAN, "userName")).isEqualTo("alice");
    }

    @Test
    void aMissingDetailMeansThePlanWasNotMadeByThisConnector() {
        assertThatThrownBy(() -> PlanDetails.require(PLAN, "accessKeyId")).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
            assertThat(e.getMessage()).isEqualTo("plan for disable_credential lacks detail 'accessKeyId': it was not made by this connector's plan()");
        });
    }
}
