package io.itdr.core.pipeline;

import io.itdr.core.act.ActionSettings;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.testing.ActionHarness;
import io.itdr.core.testing.InMemoryActionExecutor;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The shipped default policy in enforce mode over an in-memory platform with one owned identity, and stores that remember. */
final class EngineFixture {
    static final String CATALOG = """
            identities:
              - match: "svc-orders"
                platform: memory
                owner: team-orders
                criticality: tier2
                consumers: [orders-api]
                expected_sources:
                  asns: [16509]
            """;

    final ActionHarness harness = new ActionHarness();
    final MemoryEvents events = new MemoryEvents();
    final List<String> filed = new ArrayList<>();
    final CaseStore cases = (finding, decision, at) -> filed.add(finding.id() + " -> " + decision.id());

    EngineFixture() {
        harness.platform.addIdentity("svc-orders").addCredential("svc-orders", "AKIAORDERS", true).openSession("svc-orders", "sess-1");
    }

    static Policy enforcingDefaultPolicy() {
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return PolicyLoader.parse(text.replaceFirst("(?m)^mode: shadow$", "mode: enforce"), "default-policy.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An engine whose actions go through {@code executor} (the harness's own by default) and whose pushed findings {@code confirmers} confirm. */
    Intake intake(ActionExecutor executor, Confirmers confirmers) {
        ResponseEngine engine = engine(executor, confirmers);
        return engine.intake(events, cases, Intake.Observer.NONE);
    }

    ResponseEngine engine(ActionExecutor executor, Confirmers confirmers) {
        return ResponseEngine.builder(enforcingDefaultPolicy(), harness.clock, harness.ledger)
                .catalog(IdentityCatalog.parse(CATALOG, "catalog.yaml"))
                .actions(harness.store)
                .executors(platform -> ActionHarness.PLATFORM.equals(platform) ? Optional.of(executor) : Optional.empty())
                .rollbackPaths(RollbackPaths.of(Map.of(ActionHarness.PLATFORM, InMemoryActionExecutor.DEFAULT_RUNGS)))
                .actionSettings(new ActionSettings(ActionHarness.APPROVAL_TTL, "system"))
                .confirmers(confirmers)
                .build();
    }

    /** A platform's own high-confidence finding that the credential is compromised (as GuardDuty's would be). */
    static IdentityEvent platformFinding(String id, Instant at) {
        return IdentityEvent.builder(id, at, ActionHarness.PLATFORM, IdentityRef.of("svc-orders"))
                .credential(new CredentialRef("AKIAORDERS", "access_key"))
                .workload(new Workload("orders-api", "k8s", "orders-api"))
                .category(EventCategory.PLATFORM_FINDING).action("PlatformFinding")
                .finding(new PlatformFinding("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 0.95, "8.0",
                        "credentials used from outside the platform"))
                .build();
    }

    /** An event store in memory that says what it holds. */
    static final class MemoryEvents implements EventStore {
        final Map<String, IdentityEvent> stored = new LinkedHashMap<>();

        @Override
        public synchronized List<IdentityEvent> unseen(String connectorId, List<IdentityEvent> batch) {
            Map<String, IdentityEvent> fresh = new LinkedHashMap<>();
            batch.stream().filter(e -> !stored.containsKey(e.id())).forEach(e -> fresh.putIfAbsent(e.id(), e));
            return List.copyOf(fresh.values());
        }

        @Override
        public synchronized List<IdentityEvent> append(String connectorId, List<IdentityEvent> batch, Instant receivedAt) {
            List<IdentityEvent> fresh = unseen(connectorId, batch);
            fresh.forEach(e -> stored.put(e.id(), e));
            return fresh;
        }
    }

}
