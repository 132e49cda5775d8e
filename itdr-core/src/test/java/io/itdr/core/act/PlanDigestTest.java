package io.itdr.core.act;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.testing.ActionHarness;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanDigestTest {
    private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

    private final ActionPlan base = plan(ActionHarness.request(Rung.DISABLE_CREDENTIAL, "svc", "k1"), "Active", Map.of("a", "1"), T, "summary");

    @Test
    void sameChangePlannedLaterHasTheSameDigest() {
        ActionPlan later = plan(base.request(), "Active", Map.of("a", "1"), T.plusSeconds(3600), "other words");

        assertThat(PlanDigest.of(later)).isEqualTo(PlanDigest.of(base)).hasSize(64);
    }

    @Test
    void anyChangeToWhatTheActionDoesChangesTheDigest() {
        String digest = PlanDigest.of(base);

        assertThat(PlanDigest.of(plan(base.request(), "Inactive", Map.of("a", "1"), T, "summary"))).isNotEqualTo(digest);
        assertThat(PlanDigest.of(plan(base.request(), "Active", Map.of("a", "2"), T, "summary"))).isNotEqualTo(digest);
        assertThat(PlanDigest.of(plan(ActionHarness.request(Rung.DISABLE_CREDENTIAL, "svc", "k2"), "Active", Map.of("a", "1"), T, "summary")))
                .isNotEqualTo(digest);
        ActionRequest withoutCredential = new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(null, IdentityRef.of("svc"), null), Map.of());
        assertThat(PlanDigest.of(plan(withoutCredential, "Active", Map.of("a", "1"), T, "summary"))).isNotEqualTo(digest);
        ActionRequest withParameter = new ActionRequest(Rung.DISABLE_CREDENTIAL,
                new ActionTarget(null, IdentityRef.of("svc"), new CredentialRef("k1", "access_key")), Map.of("p", "v"));
        assertThat(PlanDigest.of(plan(withParameter, "Active", Map.of("a", "1"), T, "summary"))).isNotEqualTo(digest);
    }

    private static ActionPlan plan(ActionRequest request, String pre, Map<String, String> details, Instant at, String summary) {
        return new ActionPlan("memory", request, List.of(new PlatformCall("credential:Deactivate", "k", true)),
                Reversibility.REVERSIBLE, new Snapshot(Map.of("k", pre), at), new Snapshot(Map.of("k", "Inactive"), at),
                summary, details);
    }
}
