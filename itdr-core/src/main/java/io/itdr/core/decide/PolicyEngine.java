package io.itdr.core.decide;

import io.itdr.core.decide.policy.Approval;
import io.itdr.core.decide.policy.BuiltinGuardrail;
import io.itdr.core.decide.policy.Condition;
import io.itdr.core.decide.policy.ContainmentRule;
import io.itdr.core.decide.policy.CustomGuardrail;
import io.itdr.core.decide.policy.EscalationRule;
import io.itdr.core.decide.policy.GuardrailSettings;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyVariables;
import io.itdr.core.decide.policy.PolicyVariables.Activation;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Mode;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns a finding into a {@link Decision} under one policy (DESIGN §5). Thread-safe: the policy is
 * immutable; the budgets, the escalation history and the incidents are the only mutable state,
 * each safe for concurrent callers, held in a {@link GovernanceState} that outlives the engine (a
 * restart, another policy) and written through to its store after every decision.
 *
 * <p><b>Activation at run time.</b> {@link #activate} swaps the policy while the engine runs. The
 * swap is atomic for callers that decide inside {@link #underOneVersion} (the pipeline does, once
 * per event): it waits until no such work is in flight, so every event is decided entirely by one
 * version, and every decision names that version's {@link io.itdr.core.model.PolicyRef}. Budgets,
 * breakers, escalation history and incidents survive a swap: budgets still in the new policy keep
 * their counts and tripped breakers; removed ones are dropped.
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li><b>Escalation, confidence.</b> The finding is recorded in the identity's history; every
 *       escalation rule whose count is reached (this finding and earlier distinct ones within its
 *       window, by finding time) adds its {@code raise_confidence} (total capped at 1).</li>
 *   <li><b>Rule.</b> The first containment rule in file order whose {@code when} holds gives the
 *       intended rung. A rule whose evaluation fails does not match (the reason is recorded).
 *       No rule: {@code observe}.</li>
 *   <li><b>Escalation, rung.</b> The first reached escalation rule with {@code raise_rung_up_to}
 *       raises the rule's rung one step, never above that ceiling, never when no rule matched.</li>
 *   <li><b>Mode:</b> the stricter of the policy's and the rule's (shadow wins).</li>
 *   <li>An observing intended rung (observe, notify, monitor) is the outcome; nothing below
 *       applies to it.</li>
 *   <li><b>Guardrails</b>, in this fixed order, each judging the intended rung; each that fires
 *       puts it on hold: {@code unknown_owner}, {@code no_rollback_path}, {@code shared_identity},
 *       {@code unmapped_token}, {@code business_critical}, {@code irreversible_action} (each
 *       switchable), {@code unconfirmed_finding} (a pushed platform finding its platform did not
 *       confirm; not switchable), then the policy's custom guardrails in file order (an evaluation error
 *       fires them: fail safe), then the action's target ({@code missing_credential} for
 *       credential rungs, {@code missing_secret_destination} for rotation; not switchable: the
 *       action cannot be carried out without them), then the rule's {@code approval: required}.</li>
 *   <li><b>Interim.</b> On hold, the rung that runs now is {@code quarantine_session} if it is
 *       below the intended rung, a connector can carry it out reversibly or compensably, and no
 *       fired guardrail forbids isolation (unknown_owner, shared_identity, business_critical,
 *       budget_exhausted, custom guardrails unless {@code allow_isolation}); else {@code monitor}.</li>
 *   <li><b>Maturity ceiling.</b> The identity's maturity (the lower of the estate's and its
 *       catalog's) caps the rung that runs now; capping the intended rung holds it for approval.
 *       A capped rung that cannot itself run automatically falls back to the interim.</li>
 *   <li><b>Budgets</b>, last because they consume: a rung that runs now and is disruptive takes
 *       one unit from every applicable budget atomically (enforce mode: the real tracker; shadow:
 *       a simulated one, so replay shows where budgets would bite). Refused: hold with
 *       {@code monitor} ({@code budget_exhausted}, switchable; off means budgets are not
 *       applied). Held decisions count too when their interim isolation is disruptive.</li>
 * </ol>
 * Every step only lowers the rung below the intended one, so {@code rung ≤ intendedRung} always.
 */
public final class PolicyEngine {
    /** Guardrail id when the maturity ceiling lowers the rung. */
    public static final String MATURITY_CEILING = "maturity_ceiling";
    /** Guardrail id when a credential rung has no credential to act on. */
    public static final String MISSING_CREDENTIAL = "missing_credential";
    /** Guardrail id when a containment is not planned again because its incident planned it already. */
    public static final String INCIDENT_CONTAINED = "incident_contained";
    /** Guardrail id when rotation has nowhere to write the new secret. */
    public static final String MISSING_SECRET_DESTINATION = "missing_secret_destination";
    /** Action parameter naming where a rotated secret goes. */
    public static final String SECRET_DESTINATION = "secret-destination";

    private volatile Policy policy;
    private final Clock clock;
    private final RollbackPaths rollbackPaths;
    private final BudgetTracker budgets;
    private final BudgetTracker shadowBudgets;
    private volatile FindingHistory history;
    private final Incidents incidents;
    private final GovernanceState governance;
    /** Readers decide (one event at a time); the writer swaps the policy between events. */
    private final ReentrantReadWriteLock versions = new ReentrantReadWriteLock();
    /** Conditions whose evaluation failed (CEL limits, runtime errors), by rule or guardrail id. */
    private final Map<String, LongAdder> evaluationErrors = new ConcurrentHashMap<>();

    /**
     * @param policy        never null
     * @param clock         decision times and budget windows; never null
     * @param rollbackPaths what connectors can carry out; never null
     */
    public PolicyEngine(Policy policy, Clock clock, RollbackPaths rollbackPaths) {
        this(policy, clock, rollbackPaths, GovernanceState.inMemory());
    }

    /**
     * An engine over existing state: budgets keep their units and breakers by budget id, the
     * escalation history and incidents carry on.
     *
     * @param governance never null; adopts this policy's incident and escalation windows
     */
    public PolicyEngine(Policy policy, Clock clock, RollbackPaths rollbackPaths, GovernanceState governance) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rollbackPaths = Objects.requireNonNull(rollbackPaths, "rollbackPaths");
        this.governance = Objects.requireNonNull(governance, "governance");
        this.budgets = new BudgetTracker(policy.budgets(), governance.budgets());
        this.shadowBudgets = new BudgetTracker(policy.budgets(), governance.shadowBudgets());
        Duration horizon = policy.escalation().stream().map(EscalationRule::within).max(Duration::compareTo).orElse(Duration.ZERO);
        governance.adopt(policy.incidentWindow(), horizon);
        this.history = policy.escalation().isEmpty() ? null : governance.history();
        this.incidents = governance.incidents();
    }

    /** The state this engine decides over. */
    public GovernanceState governance() {
        return governance;
    }

    /** The incidents findings are grouped into before they are decided. */
    public Incidents incidents() {
        return incidents;
    }

    /** The policy in force now; a caller inside {@link #underOneVersion} sees the one its work is decided by. */
    public Policy policy() {
        return policy;
    }

    /**
     * Runs {@code work} with the policy held: no {@link #activate} completes while it runs, so every
     * decision it makes is by one policy version. Reentrant.
     */
    public <T> T underOneVersion(Supplier<T> work) {
        versions.readLock().lock();
        try {
            return work.get();
        } finally {
            versions.readLock().unlock();
        }
    }

    /**
     * Puts {@code next} in force between two events. Waits up to {@code wait} for work in flight
     * (inside {@link #underOneVersion}) to end; then runs {@code beforeSwap} (the caller ledgers and
     * stores the change there) and, if it returns normally, swaps. Budgets and breakers of budgets
     * the new policy keeps survive (with the new limits); escalation history is kept.
     *
     * @param beforeSwap runs with the pipeline paused; an exception from it cancels the swap and is rethrown
     * @return false when work in flight did not end within {@code wait} (nothing changed)
     */
    public boolean activate(Policy next, java.time.Duration wait, Runnable beforeSwap) throws InterruptedException {
        Objects.requireNonNull(next, "next");
        Objects.requireNonNull(beforeSwap, "beforeSwap");
        if (!versions.writeLock().tryLock(wait.toNanos(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        try {
            beforeSwap.run();
            budgets.retarget(next.budgets());
            shadowBudgets.retarget(next.budgets());
            // the history and incidents live in the governance state, which outlives any one policy
            Duration horizon = next.escalation().stream().map(EscalationRule::within).max(Duration::compareTo).orElse(Duration.ZERO);
            governance.adopt(next.incidentWindow(), horizon);
            history = next.escalation().isEmpty() ? null : governance.history();
            policy = next;
            governance.flush(); // budgets the new policy dropped are deleted from the store too
            return true;
        } finally {
            versions.writeLock().unlock();
        }
    }

    /**
     * How often each rule's or custom guardrail's condition failed to evaluate since start (a CEL
     * limit such as the comprehension iteration bound, or a runtime error): a rule that fails is
     * not matched, a guardrail that fails fires; neither is silent. Keys are {@code rule:<id>} and
     * {@code guardrail:<id>}, sorted.
     */
    public Map<String, Long> evaluationErrors() {
        Map<String, Long> out = new TreeMap<>();
        evaluationErrors.forEach((id, count) -> out.put(id, count.sum()));
        return out;
    }

    /** Every condition evaluation that failed since start. */
    public long evaluationErrorCount() {
        return evaluationErrors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** The budgets that enforce-mode decisions consume. */
    public BudgetTracker budgets() {
        return budgets;
    }

    /** The simulated budgets that shadow-mode decisions consume, for replay reports. */
    public BudgetTracker shadowBudgets() {
        return shadowBudgets;
    }

    /**
     * Re-arms a tripped breaker of the enforce-mode budgets (an operator's decision).
     *
     * @return whether it was tripped
     */
    public boolean resetBreaker(String budgetId, String key) {
        boolean reset = budgets.reset(budgetId, key);
        governance.flush();
        return reset;
    }

    /**
     * Decides what to do about a finding.
     *
     * @param finding  never null
     * @param identity the enriched identity; never null
     * @param trigger  the last evidence event; may be null
     */
    public Decision decide(Finding finding, IdentityRecord identity, IdentityEvent trigger) {
        Objects.requireNonNull(finding, "finding");
        Objects.requireNonNull(identity, "identity");
        return underOneVersion(() -> decideUnderOneVersion(finding, identity, trigger));
    }

    private Decision decideUnderOneVersion(Finding finding, IdentityRecord identity, IdentityEvent trigger) {
        Policy policy = this.policy;
        Instant now = clock.instant();
        Trail trail = new Trail();
        String incidentId = incidents.assign(finding);

        Escalated escalated = escalate(finding, trail);
        Activation activation = PolicyVariables.activation(finding, escalated.confidence(), identity, trigger);
        ContainmentRule rule = firstMatchingRule(activation, finding, escalated.confidence(), trail);
        Rung intended = rule == null ? Rung.OBSERVE : raise(rule.rung(), escalated, trail);
        Mode mode = rule == null ? policy.mode() : rule.effectiveMode(policy.mode());
        trail.add("mode " + mode.policyName() + (rule != null && rule.mode() != null
                ? " (policy " + policy.mode().policyName() + ", rule " + rule.mode().policyName() + "; the stricter wins)" : ""));

        Outcome outcome;
        if (intended.changesPlatform()) {
            outcome = guard(intended, rule, finding, identity, trigger, activation, trail);
            outcome = capToMaturity(outcome, intended, finding, identity, trail);
            outcome = oncePerIncident(outcome, intended, finding, identity, incidentId, trail);
            outcome = spendBudget(outcome, mode, now, finding, identity, trail);
        } else {
            trail.add(intended.policyName() + " changes nothing on a platform: guardrails, maturity ceiling and budgets do not apply");
            outcome = new Outcome(intended, false, new Holds());
        }
        trail.add(describe(intended, outcome, mode));
        String decisionId = decisionId(finding);
        List<ActionRequest> toRun = actions(outcome.rung(), finding, identity);
        List<ActionRequest> held = outcome.hold() ? actions(intended, finding, identity) : List.of();
        for (ActionRequest request : toRun) {
            incidents.contained(finding.identityKey(), incidentId, finding.platform(), request, decisionId);
        }
        for (ActionRequest request : held) {
            incidents.contained(finding.identityKey(), incidentId, finding.platform(), request, decisionId);
        }
        governance.flush(); // write-through: what this decision consumed is stored before it is ledgered or acted on
        return new Decision(decisionId, now, finding.id(), finding.identityKey(), rule == null ? null : rule.id(),
                intended, outcome.rung(), outcome.hold(), mode, toRun, held,
                trail.reasons, trail.guardrails, tags(rule, finding), policy.ref(), incidentId);
    }

    /**
     * One containment per target per incident: what an earlier decision of the same incident already
     * planned (to run now, or held for a person) is not planned again, so it neither acts twice nor
     * takes a second unit of a budget.
     */
    private Outcome oncePerIncident(Outcome in, Rung intended, Finding finding, IdentityRecord identity, String incidentId, Trail trail) {
        Rung rung = in.rung();
        boolean hold = in.hold();
        if (rung.changesPlatform()) {
            Optional<String> by = alreadyPlanned(actions(rung, finding, identity), finding, incidentId);
            if (by.isPresent()) {
                trail.lowered(INCIDENT_CONTAINED, "incident " + incidentId + ": " + rung.policyName() + " of this target was planned by "
                        + "decision " + by.get() + " → not again (observe)");
                rung = Rung.OBSERVE;
            }
        }
        if (hold) {
            Optional<String> by = alreadyPlanned(actions(intended, finding, identity), finding, incidentId);
            if (by.isPresent()) {
                trail.lowered(INCIDENT_CONTAINED, "incident " + incidentId + ": " + intended.policyName() + " of this target was "
                        + "planned by decision " + by.get() + " → not held again");
                hold = false;
            }
        }
        return rung == in.rung() && hold == in.hold() ? in : new Outcome(rung, hold, in.holds());
    }

    private Optional<String> alreadyPlanned(List<ActionRequest> requests, Finding finding, String incidentId) {
        if (requests.isEmpty()) {
            return Optional.empty();
        }
        String by = null;
        for (ActionRequest request : requests) {
            Optional<String> planned = incidents.containedBy(finding.identityKey(), incidentId, finding.platform(), request);
            if (planned.isEmpty()) {
                return Optional.empty();
            }
            by = planned.get();
        }
        return Optional.of(by);
    }

    // ---- escalation ----

    private record Escalated(double confidence, EscalationRule rungRaise, int rungRaiseCount) {
    }

    private Escalated escalate(Finding finding, Trail trail) {
        double confidence = finding.confidence();
        FindingHistory history = this.history;
        if (history == null) {
            return new Escalated(confidence, null, 0);
        }
        List<Instant> times = history.record(finding.identityKey(), finding.id(), finding.time());
        double raised = 0;
        EscalationRule rungRaise = null;
        int rungRaiseCount = 0;
        for (EscalationRule e : policy.escalation()) {
            int count = FindingHistory.countWithin(times, finding.time(), e.within());
            if (count < e.findings()) {
                continue;
            }
            if (e.raiseConfidence() > 0) {
                double before = Math.min(1, finding.confidence() + raised);
                raised += e.raiseConfidence();
                trail.add("escalation " + e.id() + ": " + count + " findings for " + finding.identityKey() + " within "
                        + e.within() + " (threshold " + e.findings() + ") → confidence " + number(before) + " → "
                        + number(Math.min(1, finding.confidence() + raised)));
            }
            if (e.raisesRung() && rungRaise == null) {
                rungRaise = e;
                rungRaiseCount = count;
            }
        }
        // Rounded so that 0.7 + 0.1 compares as 0.8 in a rule, as an operator expects.
        confidence = Math.min(1, Math.round((confidence + raised) * 1e9) / 1e9);
        return new Escalated(confidence, rungRaise, rungRaiseCount);
    }

    private Rung raise(Rung ruleRung, Escalated escalated, Trail trail) {
        EscalationRule e = escalated.rungRaise();
        if (e == null) {
            return ruleRung;
        }
        String head = "escalation " + e.id() + ": " + escalated.rungRaiseCount() + " findings within " + e.within()
                + " (threshold " + e.findings() + ")";
        if (!e.maxRung().isAbove(ruleRung)) {
            trail.add(head + ": rung stays " + ruleRung.policyName() + " (raise_rung_up_to " + e.maxRung().policyName() + ")");
            return ruleRung;
        }
        Rung raised = Rung.values()[ruleRung.ordinal() + 1];
        trail.add(head + " → rung " + ruleRung.policyName() + " → " + raised.policyName()
                + " (up to " + e.maxRung().policyName() + ")");
        return raised;
    }

    // ---- rules ----

    private ContainmentRule firstMatchingRule(Activation activation, Finding finding, double confidence, Trail trail) {
        for (ContainmentRule rule : policy.rules()) {
            try {
                if (rule.when().evaluate(activation.variables())) {
                    trail.add("rule " + rule.id() + " matched: " + rule.when().text() + " (finding " + finding.detector()
                            + ", confidence " + number(confidence) + ") → " + rule.rung().policyName()
                            + (rule.description().isEmpty() ? "" : " — " + rule.description()));
                    return rule;
                }
            } catch (Condition.ConditionException e) {
                // Fail open for rules: a broken rule must not act; the next rule may still match. Counted, never silent.
                evaluationErrors.computeIfAbsent("rule:" + rule.id(), id -> new LongAdder()).increment();
                trail.add("rule " + rule.id() + " skipped: its condition failed to evaluate (" + e.getMessage()
                        + "), treated as not matching; counted as an evaluation error");
            }
        }
        trail.add("no containment rule matched → observe");
        return null;
    }

    // ---- containment steps: each returns an outcome no higher than the one it got ----

    /** The rung that may run now, whether the intended rung waits for a human, and why. */
    private record Outcome(Rung rung, boolean hold, Holds holds) {
    }

    /** Guardrails, target checks and approval; on any hold, the interim rung. */
    private Outcome guard(Rung intended, ContainmentRule rule, Finding finding, IdentityRecord identity,
                          IdentityEvent trigger, Activation activation, Trail trail) {
        Optional<Reversibility> reversibility = rollbackPaths.reversibility(finding.platform(), intended);
        activation.withAction(intended, reversibility);
        Holds holds = new Holds();
        builtinGuardrails(intended, reversibility, finding, identity, trigger, holds, trail);
        customGuardrails(activation, holds, trail);
        targetChecks(intended, finding, identity, holds, trail);
        if (rule.approval() == Approval.REQUIRED) {
            holds.add("approval", false);
            trail.add("rule " + rule.id() + " requires approval → hold");
        }
        return holds.any()
                ? new Outcome(interim(intended, finding.platform(), holds, trail), true, holds)
                : new Outcome(intended, false, holds);
    }

    /** The maturity ceiling caps what runs now; capping the intended rung holds it. */
    private Outcome capToMaturity(Outcome in, Rung intended, Finding finding, IdentityRecord identity, Trail trail) {
        if (policy.maturity() == null) {
            return in;
        }
        Rung ceiling = policy.maturity().ceilingFor(identity.maturity());
        if (!in.rung().isAbove(ceiling)) {
            return in;
        }
        trail.lowered(MATURITY_CEILING, maturityReason(identity, ceiling, intended));
        if (in.hold()) {
            return new Outcome(ceiling, true, in.holds()); // below the interim already chosen
        }
        Rung capped = runsAutomatically(ceiling, finding, identity)
                ? ceiling : Rung.lower(ceiling, interim(intended, finding.platform(), in.holds(), trail));
        return new Outcome(capped, true, in.holds());
    }

    /** A disruptive rung that runs now takes one unit from every budget, or is held with monitor. */
    private Outcome spendBudget(Outcome in, Mode mode, Instant now, Finding finding, IdentityRecord identity, Trail trail) {
        if (!in.rung().isDisruptive() || !enabled(BuiltinGuardrail.BUDGET_EXHAUSTED) || policy.budgets().isEmpty()) {
            return in;
        }
        BudgetTracker tracker = mode == Mode.ENFORCE ? budgets : shadowBudgets;
        BudgetTracker.Admission admission = tracker.tryConsume(now, finding.platform(), identity.owner(),
                "finding " + finding.id() + " of " + finding.identityKey());
        String simulated = mode == Mode.SHADOW ? " (simulated: shadow mode)" : "";
        if (admission.granted()) {
            trail.add("budgets: 1 disruptive action counted" + simulated + ": "
                    + admission.usage().stream().map(BudgetTracker.BudgetUsage::describe).collect(Collectors.joining("; ")));
            return in;
        }
        trail.lowered(BuiltinGuardrail.BUDGET_EXHAUSTED.id(), admission.refusedBy().describe()
                + (admission.breakerWasTripped() ? ", breaker tripped until reset" : ", breaker trips")
                + " → hold (isolation not allowed)" + simulated);
        return new Outcome(Rung.MONITOR, true, in.holds());
    }

    // ---- guardrails ----

    /** The guardrails that fired, and whether any of them forbids interim isolation. */
    private static final class Holds {
        private boolean any;
        private final List<String> forbidding = new ArrayList<>();

        void add(String id, boolean forbidsIsolation) {
            any = true;
            if (forbidsIsolation) {
                forbidding.add(id);
            }
        }

        boolean any() {
            return any;
        }
    }

    private void builtinGuardrails(Rung intended, Optional<Reversibility> reversibility, Finding finding,
                                   IdentityRecord identity, IdentityEvent trigger, Holds holds, Trail trail) {
        GuardrailSettings settings = policy.guardrails();
        String rungName = intended.policyName();
        List<String> passed = new ArrayList<>();
        List<String> off = new ArrayList<>();
        for (BuiltinGuardrail g : BuiltinGuardrail.values()) {
            if (g == BuiltinGuardrail.BUDGET_EXHAUSTED) {
                continue; // applied last, once the rung that runs now is known
            }
            if (!settings.isEnabled(g)) {
                off.add(g.id());
                continue;
            }
            String fired = switch (g) {
                case UNKNOWN_OWNER -> identity.ownerKnown() ? null
                        : "no owner known for " + identity.key();
                case NO_ROLLBACK_PATH -> reversibility.isEmpty()
                        ? "no connector can carry out " + rungName + " on " + finding.platform()
                        : reversibility.get() == Reversibility.IRREVERSIBLE
                        ? rungName + " is irreversible on " + finding.platform() + ", no way back" : null;
                case SHARED_IDENTITY -> identity.consumers().size() <= settings.maxConsumers() ? null
                        : identity.consumers().size() + " consumers (limit " + settings.maxConsumers() + ")";
                case UNMAPPED_TOKEN -> !identity.consumers().isEmpty() || identity.expectedSources().isStated()
                        || (trigger != null && trigger.workload() != null) ? null
                        : "no consumers or expected sources stated for the identity, and "
                        + (trigger == null ? "no triggering event" : "the event names no workload");
                case BUSINESS_CRITICAL -> businessCritical(identity, settings);
                case IRREVERSIBLE_ACTION -> reversibility.filter(r -> r == Reversibility.IRREVERSIBLE).isEmpty() ? null
                        : rungName + " is irreversible on " + finding.platform() + " → approval required";
                case UNCONFIRMED_FINDING -> "false".equals(finding.attributes().get("platform_confirmed"))
                        ? finding.platform() + "'s finding was pushed and not confirmed with " + finding.platform() + " ("
                        + finding.attributes().getOrDefault("platform_confirmation", "not asked") + ")"
                        : null;
                case BUDGET_EXHAUSTED -> null;
            };
            if (fired == null) {
                passed.add(g.id());
            } else {
                holds.add(g.id(), g.forbidsIsolation());
                trail.lowered(g.id(), "guardrail " + g.id() + ": " + fired + " → hold"
                        + (g.forbidsIsolation() ? " (isolation not allowed)" : ""));
            }
        }
        trail.add("guardrails passed for " + rungName + ": " + (passed.isEmpty() ? "none" : String.join(", ", passed))
                + (off.isEmpty() ? "" : "; switched off: " + String.join(", ", off)));
    }

    private static String businessCritical(IdentityRecord identity, GuardrailSettings settings) {
        String threshold = settings.criticalTier().policyName();
        if (identity.criticality() == null) {
            return settings.holdUnknownTier() ? "tier unknown, and hold_unknown_tier is on" : null;
        }
        return identity.criticality().level() <= settings.criticalTier().level()
                ? identity.criticality().policyName() + " is at or above the critical threshold " + threshold : null;
    }

    private void customGuardrails(Activation activation, Holds holds, Trail trail) {
        for (CustomGuardrail g : policy.guardrails().custom()) {
            String what = g.description().isEmpty() ? g.when().text() : g.description();
            String fired;
            try {
                fired = g.when().evaluate(activation.variables()) ? "condition held: " + g.when().text() : null;
            } catch (Condition.ConditionException e) {
                // Fail safe for guardrails: a guardrail that cannot tell must hold.
                evaluationErrors.computeIfAbsent("guardrail:" + g.id(), id -> new LongAdder()).increment();
                fired = "condition failed to evaluate (" + e.getMessage() + "), fires to be safe";
            }
            if (fired != null) {
                holds.add(g.id(), !g.allowIsolation());
                trail.lowered(g.id(), "guardrail " + g.id() + " (" + what + "): " + fired + " → hold"
                        + (g.allowIsolation() ? "" : " (isolation not allowed)"));
            }
        }
    }

    /** The action needs something to act on; without it, it cannot run at all. */
    private void targetChecks(Rung intended, Finding finding, IdentityRecord identity, Holds holds, Trail trail) {
        if (needsCredential(intended) && finding.credential() == null) {
            holds.add(MISSING_CREDENTIAL, false);
            trail.lowered(MISSING_CREDENTIAL, intended.policyName() + " acts on one credential and finding "
                    + finding.id() + " names none → hold");
        }
        if (intended == Rung.ROTATE_CREDENTIAL && identity.secretDestination() == null) {
            holds.add(MISSING_SECRET_DESTINATION, false);
            trail.lowered(MISSING_SECRET_DESTINATION, "rotate_credential must write the new secret somewhere and no "
                    + "secret destination is stated for " + identity.key() + " → hold (an approver must supply one)");
        }
    }

    private static boolean needsCredential(Rung rung) {
        return rung == Rung.DISABLE_CREDENTIAL || rung == Rung.ROTATE_CREDENTIAL;
    }

    /** Whether a platform-changing rung could run without a human: a path back, and a complete target. */
    private boolean runsAutomatically(Rung rung, Finding finding, IdentityRecord identity) {
        if (!rung.changesPlatform()) {
            return true;
        }
        boolean pathBack = rollbackPaths.reversibility(finding.platform(), rung).filter(Reversibility::canRevert).isPresent();
        return pathBack && !(needsCredential(rung) && finding.credential() == null)
                && !(rung == Rung.ROTATE_CREDENTIAL && identity.secretDestination() == null);
    }

    private Rung interim(Rung intended, String platform, Holds holds, Trail trail) {
        Rung isolate = Rung.QUARANTINE_SESSION;
        String why;
        if (!intended.isAbove(isolate)) {
            why = "isolation would not be below " + intended.policyName();
        } else if (!holds.forbidding.isEmpty()) {
            why = "isolation not allowed by " + String.join(", ", holds.forbidding);
        } else if (rollbackPaths.reversibility(platform, isolate).filter(Reversibility::canRevert).isEmpty()) {
            why = "no reversible quarantine_session on " + platform;
        } else {
            trail.add("interim: quarantine_session (reversible on " + platform + ", allowed)");
            return isolate;
        }
        trail.add("interim: monitor (" + why + ")");
        return Rung.MONITOR;
    }

    private String maturityReason(IdentityRecord identity, Rung ceiling, Rung intended) {
        var maturity = policy.maturity();
        String level = maturity.effective(identity.maturity()).policyName();
        String source = identity.maturity() != null && identity.maturity().ordinal() < maturity.level().ordinal()
                ? " (identity's catalog maturity, below the estate's " + maturity.level().policyName() + ")"
                : " (estate)";
        return "maturity ceiling: " + level + source + " allows at most " + ceiling.policyName()
                + " automatically → " + intended.policyName() + " held for approval";
    }

    private boolean enabled(BuiltinGuardrail g) {
        return policy.guardrails().isEnabled(g);
    }

    // ---- the decision ----

    private static List<ActionRequest> actions(Rung rung, Finding finding, IdentityRecord identity) {
        if (!rung.changesPlatform()) {
            return List.of();
        }
        Map<String, String> parameters = rung == Rung.ROTATE_CREDENTIAL && identity.secretDestination() != null
                ? Map.of(SECRET_DESTINATION, identity.secretDestination()) : Map.of();
        return List.of(new ActionRequest(rung, new ActionTarget(finding.tenant(), finding.identity(), finding.credential()), parameters));
    }

    private static List<String> tags(ContainmentRule rule, Finding finding) {
        Set<String> tags = new LinkedHashSet<>();
        if (rule != null) {
            tags.addAll(rule.tags());
        }
        tags.addAll(finding.frameworkTags());
        return List.copyOf(tags);
    }

    private static String describe(Rung intended, Outcome outcome, Mode mode) {
        String what = outcome.hold()
                ? "hold: " + outcome.rung().policyName() + " now, " + intended.policyName() + " awaits approval"
                : outcome.rung().policyName();
        return "outcome: " + what + (mode == Mode.SHADOW ? " (shadow: recorded, nothing is carried out)" : "");
    }

    private String decisionId(Finding finding) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((finding.id() + "\n" + policy.ref().sha256()).getBytes(StandardCharsets.UTF_8));
            return "dec-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** A probability for people: at most three decimals, no trailing zeros. */
    static String number(double d) {
        return java.math.BigDecimal.valueOf(Math.round(d * 1000) / 1000.0).stripTrailingZeros().toPlainString();
    }

    /** The reasons of one decision and the guardrails that lowered it. Not thread-safe: one per decision. */
    private static final class Trail {
        final List<String> reasons = new ArrayList<>();
        final List<String> guardrails = new ArrayList<>();

        void add(String reason) {
            reasons.add(reason);
        }

        void lowered(String guardrailId, String reason) {
            reasons.add(reason);
            if (!guardrails.contains(guardrailId)) {
                guardrails.add(guardrailId);
            }
        }
    }

    @Override
    public String toString() {
        return "PolicyEngine[" + policy.ref().name() + " " + policy.ref().version() + ", " + policy.mode().policyName() + "]";
    }
}
