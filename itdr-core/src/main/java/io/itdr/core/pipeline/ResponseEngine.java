package io.itdr.core.pipeline;

import io.itdr.core.act.ActionCoordinator;
import io.itdr.core.act.ActionJournal;
import io.itdr.core.act.ActionSettings;
import io.itdr.core.act.ActionStore;
import io.itdr.core.act.ExecutorRegistry;
import io.itdr.core.act.InMemoryActionStore;
import io.itdr.core.act.KillSwitch;
import io.itdr.core.audit.AdminChanges;
import io.itdr.core.audit.Ledger;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.decide.BudgetTracker;
import io.itdr.core.decide.GovernanceState;
import io.itdr.core.decide.PolicyEngine;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.RecoveryRule;
import io.itdr.core.detect.DetectionEngine;
import io.itdr.core.detect.DetectionSettings;
import io.itdr.core.detect.Detector;
import io.itdr.core.detect.GeoResolver;
import io.itdr.core.enrich.Enricher;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.enrich.InventoryLookup;
import io.itdr.core.enrich.InventoryTagKeys;
import io.itdr.core.enrich.NetworkDirectory;
import io.itdr.core.enrich.NetworkResolver;
import io.itdr.core.recover.QuarantineExpiry;
import io.itdr.core.recover.Rollback;
import io.itdr.core.state.StateStore;
import io.itdr.spi.action.Rung;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The engine, assembled in one place (DESIGN §3): enrichment, detection, the policy with its
 * guardrails and budgets, the gate and the action coordinator, rollback and quarantine expiry,
 * all over one ledger, one action store and one kill switch. The central server, {@code itdr
 * replay}, the policy dry-run and the benchmarks build their engine here, so what a replay or a
 * benchmark measures is what the server runs; events come in through {@link #intake}.
 *
 * <p>Built with {@link #builder(Policy, Clock, Ledger)}; what is not given takes the server's
 * defaults: detection tuned by the policy's {@code detection} section, no catalog (every owner
 * unknown), no inventory, no executors (nothing can act), the platforms' documented rollback
 * paths, an in-memory action store, a new kill switch, and state in memory only.
 *
 * <p>With a {@link StateStore} ({@link Builder#state}) the engine's state survives a restart:
 * budgets, breakers, escalation history and incidents ({@link GovernanceState}) are restored when it
 * is built and written through after every decision; the identities' detector state is restored too
 * and written at {@link #checkpointDetectors} (the server calls it at an interval and on shutdown)
 * and after every {@code checkpointEvery} events.
 *
 * <p>Thread-safety is that of the parts: the coordinator, rollback, expiry and kill switch are
 * thread-safe; the pipeline is not (its {@link Intake} serialises each connector's batches).
 */
public final class ResponseEngine {
    private final Policy policy;
    private final IdentityCatalog catalog;
    private final Clock clock;
    private final PolicyEngine policyEngine;
    private final ActionCoordinator coordinator;
    private final Rollback rollback;
    private final QuarantineExpiry expiry;
    private final KillSwitch killSwitch;
    private final Pipeline pipeline;
    private final AdminChanges adminChanges;
    private final DetectionEngine detection;
    private final RestoredState restored;

    /**
     * What was restored from the state store when the engine was built; all zero without one.
     *
     * @param governance budgets, breakers, escalation history, incidents
     * @param detection  identities' detector state
     */
    public record RestoredState(GovernanceState.Restored governance, DetectionEngine.Restored detection) {
    }

    private ResponseEngine(Builder b) {
        this.adminChanges = new AdminChanges(b.ledger);
        this.policy = b.policy;
        this.catalog = b.catalog;
        this.clock = b.clock;
        this.killSwitch = b.killSwitch != null ? b.killSwitch : new KillSwitch(b.ledger, b.clock);
        GovernanceState governance = b.governance != null ? b.governance
                : b.state == StateStore.NONE ? GovernanceState.inMemory() : GovernanceState.restoredFrom(b.state);
        this.policyEngine = new PolicyEngine(b.policy, b.clock, b.rollbackPaths, governance);
        ActionJournal journal = new ActionJournal(b.ledger, b.actions, b.clock, policyEngine.incidents()::incidentOf);
        this.coordinator = new ActionCoordinator(journal, b.executors, killSwitch, b.actionSettings);
        this.rollback = new Rollback(journal, b.executors);
        this.expiry = new QuarantineExpiry(journal, rollback, killSwitch, expiries(b.policy), keptAt(b.policy),
                b.actionSettings.systemActor());
        DetectionSettings detection = b.detection != null ? b.detection
                : DetectionSettings.defaults().tunedBy(b.policy.detectionTuning());
        // the operator's network data (MaxMind-format databases, published cloud ranges) is opened once here
        NetworkResolver network = b.network != null ? b.network : NetworkDirectory.open(detection.networkData());
        this.detection = DetectionEngine.withMore(detection, b.geo, network, b.moreDetectors);
        DetectionEngine.Restored detectorsRestored = b.state == StateStore.NONE ? new DetectionEngine.Restored(0, 0)
                : this.detection.restoreFrom(b.state, b.checkpointEvery);
        this.restored = new RestoredState(governance.restored(), detectorsRestored);
        this.pipeline = new Pipeline(new Enricher(b.catalog, b.inventory, b.tagKeys), this.detection,
                policyEngine, coordinator, b.ledger, b.forceShadow, b.confirmers);
    }

    /**
     * Starts an assembly of {@code policy} on {@code clock}, writing to {@code ledger}. A replay
     * passes a clock it moves to each event's time ({@link Intake.Observer#before}).
     */
    public static Builder builder(Policy policy, Clock clock, Ledger ledger) {
        return new Builder(policy, clock, ledger);
    }

    /** The automatic restore time of each rung the policy's recovery rules expire. */
    private static Map<Rung, Duration> expiries(Policy policy) {
        Map<Rung, Duration> expiries = new EnumMap<>(Rung.class);
        for (RecoveryRule rule : policy.recovery()) {
            if (rule.autoRestore()) {
                expiries.put(rule.rung(), rule.expiresAfter());
            }
        }
        return expiries;
    }

    /** Per rung, the finding confidence from which an expired action waits for a person (recovery keep_at_confidence). */
    private static Map<Rung, Double> keptAt(Policy policy) {
        Map<Rung, Double> kept = new EnumMap<>(Rung.class);
        for (RecoveryRule rule : policy.recovery()) {
            if (rule.keepAtConfidence() != null) {
                kept.put(rule.rung(), rule.keepAtConfidence());
            }
        }
        return kept;
    }

    /**
     * The one intake loop over this engine: a batch's unseen events through the pipeline, their
     * findings and decisions filed in {@code cases}, then the events stored in {@code events}.
     */
    public Intake intake(EventStore events, CaseStore cases, Intake.Observer observer) {
        return new Intake(pipeline, events, cases, clock, observer);
    }

    /** The policy in force now (the one it was built with, or the last one activated). */
    public Policy policy() {
        return policyEngine.policy();
    }

    /** The policy the engine was assembled with: its detection tuning, recovery and incident window stay until the next start. */
    public Policy assembledPolicy() {
        return policy;
    }

    /**
     * The sections of {@code candidate} that an activation cannot put in force until the next start,
     * because they configure parts assembled once (detectors, quarantine expiry, incidents): those
     * that differ from the assembled policy's. Empty when the whole candidate takes effect at once.
     */
    public List<String> sectionsPendingRestart(Policy candidate) {
        List<String> pending = new ArrayList<>();
        if (!candidate.detectionTuning().equals(policy.detectionTuning())) {
            pending.add("detection");
        }
        if (!candidate.recovery().equals(policy.recovery())) {
            pending.add("recovery");
        }
        // the incident window is not listed: the governance state adopts it at activation
        return List.copyOf(pending);
    }

    public IdentityCatalog catalog() {
        return catalog;
    }

    public PolicyEngine policyEngine() {
        return policyEngine;
    }

    public ActionCoordinator coordinator() {
        return coordinator;
    }

    public Rollback rollback() {
        return rollback;
    }

    public QuarantineExpiry expiry() {
        return expiry;
    }

    public KillSwitch killSwitch() {
        return killSwitch;
    }

    /**
     * Re-arms a tripped circuit breaker of the enforce-mode budgets: a person's decision, ledgered
     * ({@code admin.breaker_reset}, with the budget, key, usage and reason) before the breaker is
     * reset. Resetting a breaker that is not tripped changes nothing and is not ledgered.
     *
     * @param budgetId a budget of the policy
     * @param key      the key it counts under ({@code *} for a global budget, a platform, an owner)
     * @return whether it was tripped (and is now reset)
     * @throws IllegalArgumentException for an unknown budget, or a blank actor or reason
     */
    public boolean resetBreaker(String budgetId, String key, String actor, String reason) {
        BudgetTracker budgets = policyEngine.budgets();
        if (budgets.budgets().stream().noneMatch(b -> b.id().equals(budgetId))) {
            throw new IllegalArgumentException("the policy has no budget '" + budgetId + "'");
        }
        synchronized (budgets) {
            if (!budgets.trippedBreakers().contains(new BudgetTracker.BudgetKey(budgetId, key))) {
                return false;
            }
            adminChanges.record(LedgerKinds.ADMIN_BREAKER_RESET, actor, reason, Map.of("budget.id", budgetId, "budget.key", key,
                    "budget.used", String.valueOf(budgets.used(budgetId, key, clock.instant()))),
                    "breaker of budget " + budgetId + " for " + key + " reset");
            return policyEngine.resetBreaker(budgetId, key); // written through to the state store
        }
    }

    /** What was restored from the state store when the engine was built. */
    public RestoredState restored() {
        return restored;
    }

    /**
     * Writes the detector state of the identities changed since the last checkpoint to the state
     * store (nothing without one).
     *
     * @return identities written or deleted
     * @throws io.itdr.core.state.StateStoreException when the store cannot be written
     */
    public int checkpointDetectors() {
        return detection.checkpoint();
    }

    /** Identities whose detector state is held now. */
    public int trackedIdentities() {
        return detection.trackedIdentities();
    }

    /**
     * Puts {@code next} in force at run time: an administrative change, ledgered
     * ({@code admin.policy_activated}, with the new and previous hash and the reason) before it is
     * made. Waits up to {@code wait} for the event in flight to be decided (an event is decided by
     * one version); with the pipeline paused it ledgers, runs {@code store} (the server keeps the
     * version so a restart starts with it) and swaps. A failure to ledger or store leaves the old
     * policy in force.
     *
     * @param evidence what else to record (version number, sections pending a restart); no null values
     * @return false when the pipeline did not pause within {@code wait}; nothing was ledgered or changed
     * @throws IllegalArgumentException for a blank actor or reason
     */
    public boolean activatePolicy(Policy next, String actor, String reason, Map<String, String> evidence, Runnable store,
                                  Duration wait) throws InterruptedException {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(store, "store");
        if (actor == null || actor.isBlank() || reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("an activation names its actor and reason");
        }
        return policyEngine.activate(next, wait, () -> {
            Policy previous = policyEngine.policy();
            Map<String, String> all = new java.util.LinkedHashMap<>();
            all.put("policy.name", next.ref().name());
            all.put("policy.version", next.ref().version());
            all.put("policy.sha256", next.ref().sha256());
            all.put("policy.previous_sha256", previous.ref().sha256());
            all.putAll(evidence);
            adminChanges.record(LedgerKinds.ADMIN_POLICY_ACTIVATED, actor, reason, all, "policy " + next.ref().name() + "@"
                    + next.ref().version() + " (" + next.ref().sha256() + ") activated, replacing " + previous.ref().sha256());
            store.run();
        });
    }

    /** The pipeline itself, for callers that drive single events (micro-benchmarks, tests); others use {@link #intake}. */
    public Pipeline pipeline() {
        return pipeline;
    }

    /** Collects the parts of one engine. Not thread-safe; build once. */
    public static final class Builder {
        private final Policy policy;
        private final Clock clock;
        private final Ledger ledger;
        private IdentityCatalog catalog = IdentityCatalog.empty();
        private InventoryLookup inventory = InventoryLookup.none();
        private InventoryTagKeys tagKeys = InventoryTagKeys.defaults();
        private DetectionSettings detection;
        private GeoResolver geo = GeoResolver.none();
        private NetworkResolver network;
        private ActionStore actions = new InMemoryActionStore();
        private ExecutorRegistry executors = ExecutorRegistry.of(Map.of());
        private RollbackPaths rollbackPaths = RollbackPaths.platformFacts();
        private KillSwitch killSwitch;
        private ActionSettings actionSettings = ActionSettings.defaults();
        private boolean forceShadow;
        private StateStore state = StateStore.NONE;
        private int checkpointEvery;
        private GovernanceState governance;
        private Confirmers confirmers = Confirmers.NONE;
        private final List<Detector<?>> moreDetectors = new ArrayList<>();

        private Builder(Policy policy, Clock clock, Ledger ledger) {
            this.policy = Objects.requireNonNull(policy, "policy");
            this.clock = Objects.requireNonNull(clock, "clock");
            this.ledger = Objects.requireNonNull(ledger, "ledger");
        }

        /** The operator's identity catalog overlay; by default empty (every owner unknown). */
        public Builder catalog(IdentityCatalog catalog) {
            this.catalog = Objects.requireNonNull(catalog, "catalog");
            return this;
        }

        /** What the connectors' inventories say of identities; by default nothing. */
        public Builder inventory(InventoryLookup inventory, InventoryTagKeys tagKeys) {
            this.inventory = Objects.requireNonNull(inventory, "inventory");
            this.tagKeys = Objects.requireNonNull(tagKeys, "tagKeys");
            return this;
        }

        /** Detector settings; by default the built-in ones tuned by the policy's {@code detection} section. */
        public Builder detection(DetectionSettings detection) {
            this.detection = Objects.requireNonNull(detection, "detection");
            return this;
        }

        public Builder geo(GeoResolver geo) {
            this.geo = Objects.requireNonNull(geo, "geo");
            return this;
        }

        /** Network enrichment; by default the files named by the detection settings' {@code networkData}. */
        public Builder network(NetworkResolver network) {
            this.network = Objects.requireNonNull(network, "network");
            return this;
        }

        /** Where action records are kept; by default in memory. */
        public Builder actions(ActionStore actions) {
            this.actions = Objects.requireNonNull(actions, "actions");
            return this;
        }

        /** Who carries actions out; by default nobody (every action is {@code action.not_planned}). */
        public Builder executors(ExecutorRegistry executors) {
            this.executors = Objects.requireNonNull(executors, "executors");
            return this;
        }

        /** What the platforms can undo, for the no-rollback-path guardrail; by default the documented facts. */
        public Builder rollbackPaths(RollbackPaths rollbackPaths) {
            this.rollbackPaths = Objects.requireNonNull(rollbackPaths, "rollbackPaths");
            return this;
        }

        /** A kill switch shared with others (the server persists its state); by default a new one on the ledger. */
        public Builder killSwitch(KillSwitch killSwitch) {
            this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch");
            return this;
        }

        public Builder actionSettings(ActionSettings actionSettings) {
            this.actionSettings = Objects.requireNonNull(actionSettings, "actionSettings");
            return this;
        }

        /** Records every decision in shadow mode whatever the policy says ({@code itdr replay}, dry-runs). */
        public Builder forceShadow(boolean forceShadow) {
            this.forceShadow = forceShadow;
            return this;
        }

        /** Who confirms pushed platform findings with their platform; by default nobody (they stay unconfirmed). */
        public Builder confirmers(Confirmers confirmers) {
            this.confirmers = Objects.requireNonNull(confirmers, "confirmers");
            return this;
        }

        /** Detectors run after the built-in ones, such as loaded rule sets ({@code io.itdr.core.rules}). */
        public Builder addDetector(Detector<?> detector) {
            this.moreDetectors.add(Objects.requireNonNull(detector, "detector"));
            return this;
        }

        /**
         * Where state that survives a restart is kept (the server's database); by default nowhere
         * (everything in memory, as a replay wants).
         *
         * @param checkpointEvery events between automatic checkpoints of detector state; 0 for
         *                        none besides {@link ResponseEngine#checkpointDetectors}
         */
        public Builder state(StateStore state, int checkpointEvery) {
            this.state = Objects.requireNonNull(state, "state");
            if (checkpointEvery < 0) {
                throw new IllegalArgumentException("checkpointEvery must be 0 or more: " + checkpointEvery);
            }
            this.checkpointEvery = checkpointEvery;
            return this;
        }

        /**
         * The budgets, breakers, escalation history and incidents of an engine built before (a
         * policy activated at run time keeps them, by budget id); by default restored from
         * {@link #state} or new.
         */
        public Builder governance(GovernanceState governance) {
            this.governance = Objects.requireNonNull(governance, "governance");
            return this;
        }

        public ResponseEngine build() {
            return new ResponseEngine(this);
        }
    }
}
