package io.itdr.server.engine;

import io.itdr.server.connector.ConnectorRuntime;

import io.itdr.core.act.ActionCoordinator;
import io.itdr.core.act.ActionJournal;
import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionSettings;
import io.itdr.core.act.KillSwitch;
import io.itdr.core.decide.PolicyEngine;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.decide.policy.RecoveryRule;
import io.itdr.core.detect.DetectionEngine;
import io.itdr.core.detect.DetectionSettings;
import io.itdr.core.detect.GeoResolver;
import io.itdr.core.enrich.Enricher;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.enrich.InMemoryInventory;
import io.itdr.core.enrich.InventoryTagKeys;
import io.itdr.core.model.Finding;
import io.itdr.core.pipeline.Pipeline;
import io.itdr.core.recover.QuarantineExpiry;
import io.itdr.core.recover.Rollback;
import io.itdr.server.config.ItdrProperties;
import io.itdr.server.store.JdbcActionStore;
import io.itdr.server.store.JdbcCaseStore;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.server.store.JdbcLedger;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.telemetry.Rejection;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine as the server runs it (DESIGN §3): events from every connector through one
 * {@link Pipeline} (one policy, one budget) into the database, the decisions carried out through
 * the connectors' bulkheaded executors, approvals, rollback, the kill switch and quarantine expiry.
 * Each connector's batches are processed one at a time, in order (an identity belongs to one
 * platform, so its events stay in order); different connectors' batches run side by side. Action
 * steps run on each connector's own bulkhead with a timeout, so a hanging platform holds its own
 * connector's batch for at most the action timeout and stalls no other connector.
 *
 * <p>Thread-safe.
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    public static final String SYSTEM_ACTOR = "system";

    /** What one batch led to. */
    public record BatchResult(int received, int accepted, int duplicates, int findings, int actions) {
    }

    private final Clock clock;
    private final Policy policy;
    private final IdentityCatalog catalog;
    private final JdbcLedger ledger;
    private final JdbcEventStore events;
    private final JdbcCaseStore cases;
    private final JdbcActionStore actions;
    private final PolicyEngine policyEngine;
    private final ActionCoordinator coordinator;
    private final Rollback rollback;
    private final QuarantineExpiry expiry;
    private final KillSwitch killSwitch;
    private final Pipeline pipeline;
    private final InMemoryInventory inventory = new InMemoryInventory();
    /** One lock per connector: a connector's identities are its own, so each one's events stay in order. */
    private final Map<String, ReentrantLock> processing = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    public Engine(ItdrProperties properties, Clock clock, JdbcLedger ledger, JdbcEventStore events, JdbcCaseStore cases,
                  JdbcActionStore actions, ConnectorRuntime connectors, KillSwitch killSwitch, MeterRegistry meters) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.ledger = ledger;
        this.events = events;
        this.cases = cases;
        this.actions = actions;
        this.killSwitch = killSwitch;
        this.policy = properties.policy() == null ? PolicyLoader.loadDefault() : PolicyLoader.load(properties.policy());
        this.catalog = properties.catalog() == null ? IdentityCatalog.empty() : IdentityCatalog.load(properties.catalog());
        this.policyEngine = new PolicyEngine(policy, clock, rollbackPaths(connectors));
        ActionJournal journal = new ActionJournal(ledger, actions, clock);
        this.coordinator = new ActionCoordinator(journal, connectors.executors(), killSwitch,
                new ActionSettings(properties.approvals().ttl(), SYSTEM_ACTOR));
        this.rollback = new Rollback(journal, connectors.executors());
        this.expiry = new QuarantineExpiry(journal, rollback, killSwitch, expiries(policy), SYSTEM_ACTOR);
        this.pipeline = new Pipeline(new Enricher(catalog, inventory, InventoryTagKeys.defaults()),
                new DetectionEngine(DetectionSettings.defaults().tunedBy(policy.detectionTuning()), GeoResolver.none()),
                policyEngine, coordinator, ledger, false);
        LOG.info("policy {} {} ({} rules, mode {}, sha256 {}); catalog {} ({} entries)", policy.ref().name(), policy.ref().version(),
                policy.rules().size(), policy.mode().policyName(), policy.ref().sha256(), catalog.sourceName(), catalog.size());
    }

    /**
     * What the running connectors can undo, asked of their executors when a decision needs it (a
     * connector may build its client on first use); a platform whose connector does not run, or
     * cannot answer now, has no rollback path, so the guardrail holds.
     */
    private static RollbackPaths rollbackPaths(ConnectorRuntime connectors) {
        return (platform, rung) -> {
            try {
                return connectors.find(platform).flatMap(ConnectorRuntime.Managed::executor)
                        .map(executor -> executor.rungs().get(rung));
            } catch (RuntimeException e) {
                LOG.warn("connector {} cannot say which rungs it carries out: {}", platform, e.getMessage());
                return Optional.<Reversibility>empty();
            }
        };
    }

    private static Map<Rung, Duration> expiries(Policy policy) {
        Map<Rung, Duration> expiries = new EnumMap<>(Rung.class);
        for (RecoveryRule rule : policy.recovery()) {
            if (rule.autoRestore()) {
                expiries.put(rule.rung(), rule.expiresAfter());
            }
        }
        return expiries;
    }

    /**
     * Runs the events not seen before through the pipeline, in order, then stores them. A finding and
     * its decision are stored (and filed under an incident) as they happen. Events are stored after
     * they were processed: if processing stops (the ledger or database fails, the server dies), the
     * events not processed are not stored, the connector's cursor is not advanced, and they come
     * again; processing one again is harmless, because findings, decisions and actions have
     * deterministic ids and an action that exists is never carried out twice.
     */
    public BatchResult accept(String connectorId, List<IdentityEvent> batch) {
        return accept(connectorId, batch, List.of());
    }

    /**
     * As {@link #accept(String, List)}, for a batch whose normalization also rejected records:
     * they are counted ({@code itdr_events_rejected_total}) and the first few logged, with what was
     * accepted and what was a duplicate.
     */
    public BatchResult accept(String connectorId, List<IdentityEvent> batch, List<Rejection> rejections) {
        BatchResult result = process(connectorId, batch);
        meters.counter("itdr.events.accepted", "connector", connectorId).increment(result.accepted());
        meters.counter("itdr.events.duplicate", "connector", connectorId).increment(result.duplicates());
        meters.counter("itdr.events.rejected", "connector", connectorId).increment(rejections.size());
        rejections.stream().limit(5).forEach(r -> LOG.warn("connector {}: rejected {}", connectorId, r));
        return result;
    }

    private BatchResult process(String connectorId, List<IdentityEvent> batch) {
        ReentrantLock lock = processing.computeIfAbsent(connectorId, id -> new ReentrantLock());
        lock.lock();
        try {
            List<IdentityEvent> fresh = events.unseen(connectorId, batch);
            int findings = 0;
            int acted = 0;
            int processed = 0;
            try {
                for (IdentityEvent event : fresh) {
                    for (Pipeline.Outcome outcome : pipeline.process(event)) {
                        cases.record(outcome.finding(), outcome.decision(), clock.instant());
                        count(outcome);
                        findings++;
                        acted += outcome.actions().size();
                    }
                    processed++;
                }
            } finally {
                events.append(connectorId, fresh.subList(0, processed), clock.instant());
            }
            return new BatchResult(batch.size(), fresh.size(), batch.size() - fresh.size(), findings, acted);
        } finally {
            lock.unlock();
        }
    }

    private void count(Pipeline.Outcome outcome) {
        meters.counter("itdr.findings", "detector", outcome.finding().detector()).increment();
        meters.counter("itdr.decisions", "rung", outcome.decision().rung().policyName(), "hold",
                Boolean.toString(outcome.decision().hold()), "mode", outcome.decision().mode().policyName()).increment();
    }

    /** Replaces what the enricher knows of the platforms' identities with a fresh inventory read. */
    public void updateInventory(List<InventoryIdentity> identities) {
        for (InventoryIdentity identity : identities) {
            inventory.put(identity);
        }
    }

    /**
     * Approves a held action and carries it out; the verdict and its reason are stored once the
     * core accepted the approval (the ledger has them first).
     */
    public ActionRecord approve(String actionId, String planDigest, String approver, String reason) {
        ActionRecord result = planDigest == null ? coordinator.approve(actionId, approver, reason)
                : coordinator.approve(actionId, planDigest, approver, reason);
        actions.recordVerdict(new JdbcActionStore.Verdict(actionId, "approved", approver, reason, clock.instant()));
        return result;
    }

    public ActionRecord reject(String actionId, String approver, String reason) {
        ActionRecord result = coordinator.reject(actionId, approver, reason);
        actions.recordVerdict(new JdbcActionStore.Verdict(actionId, "rejected", approver, reason, clock.instant()));
        return result;
    }

    /** A person's own request for an action on the identity of a stored finding; held for someone else's approval. */
    public ActionRecord request(Finding finding, ActionRequest request, String requester, String reason) {
        return coordinator.requestByPerson(finding.id(), finding.identityKey(), finding.platform(), request, requester, reason);
    }

    public ActionRecord rollback(String actionId, String actor, boolean force) {
        return rollback.rollback(actionId, actor, force);
    }

    public ActionRecord confirm(String actionId, String actor) {
        return expiry.confirm(actionId, actor);
    }

    /** When an action in force will be restored automatically; empty when it does not expire or was confirmed. */
    public Optional<Instant> restoresAt(ActionRecord record) {
        return expiry.expiresAt(record);
    }

    public KillSwitch killSwitch() {
        return killSwitch;
    }

    public Policy policy() {
        return policy;
    }

    public IdentityCatalog catalog() {
        return catalog;
    }

    public PolicyEngine policyEngine() {
        return policyEngine;
    }

    public JdbcLedger ledger() {
        return ledger;
    }

    public JdbcCaseStore cases() {
        return cases;
    }

    public JdbcActionStore actions() {
        return actions;
    }

    public JdbcEventStore events() {
        return events;
    }

    /**
     * Settles actions a crash (or a timeout) left executing or unknown, by reading the platform;
     * never executes them again. Called at start-up and then periodically.
     */
    public List<ActionRecord> reconcile() {
        List<ActionRecord> settled = coordinator.reconcilePending();
        settled.forEach(record -> LOG.info("action {} reconciled: {}", record.id(), record.state().label()));
        return settled;
    }

    /** Expires lapsed approval requests and restores quarantines whose time ran out unconfirmed. */
    public List<ActionRecord> housekeeping() {
        List<ActionRecord> changed = new ArrayList<>(coordinator.expireDue());
        changed.addAll(expiry.restoreDue());
        return changed;
    }
}
