package io.itdr.core.act;

import io.itdr.core.act.ActionRefusedException.Refusal;
import io.itdr.core.audit.Actors;
import io.itdr.core.audit.HashInput;
import io.itdr.core.audit.Ledger;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Mode;
import io.itdr.core.model.Stage;
import io.itdr.core.normalize.Printable;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Verification;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gate and act stages (DESIGN §3, §6): turns a {@link Decision} into actions on a platform,
 * through shadow mode, approvals and the kill switch, writing the ledger before every step.
 *
 * <ul>
 *   <li><b>Shadow</b>: one {@code action.shadow} entry per action saying what would happen; no
 *       executor method is called, not even {@code plan}.
 *   <li><b>Enforce</b>, each of {@code decision.actions()}: plan (read-only) → store the record and
 *       ledger {@code action.planned} → ledger {@code action.executing} → execute with an
 *       idempotency key derived from the decision id and the action's position → executed,
 *       failed (the connector refused; after a retriable error only when the platform, read back, shows no
 *       change), unknown ({@code TIMEOUT} or an unexpected error: never
 *       retried, settled by {@link #reconcile}) or partial (a multi-step plan that stopped half-way:
 *       read back, some steps done and the others untouched, {@link Containment}; a person
 *       {@link #complete}s it or rolls the steps done back) → verify → verified. Irreversible plans are held
 *       for approval instead (DESIGN §4).
 *   <li><b>Hold</b>: when {@code decision.hold()}, each of {@code decision.heldActions()} is planned
 *       and held for approval, even while the kill switch is engaged (planning reads only; the
 *       switch is checked again at approval); held actions of a decision that does not hold are
 *       ignored; {@link #approve} re-plans, refuses a plan whose digest changed, and
 *       executes as above.
 *   <li><b>Nothing to do</b>: a plan that would be held but changes nothing (no mutating call, the
 *       target already in the post-state: {@link #changesNothing}) is not held, since approving it
 *       would decide nothing; an {@code action.nothing_to_do} entry records why and no action is
 *       created. A person asking for such an action is refused with {@code NOTHING_TO_DO}.
 * </ul>
 * If the ledger throws, the {@link io.itdr.core.audit.LedgerException} propagates and the step it
 * would have recorded does not happen. Action ids ({@code <decision id>/action/<i>},
 * {@code <decision id>/held/<i>}) are deterministic, so handling a decision again returns the
 * existing records instead of acting twice.
 *
 * <p>Thread-safe; the engine never runs two actions on one target at once (the executor contract),
 * which the caller ensures by handling one identity's decisions in order.
 */
public final class ActionCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(ActionCoordinator.class);
    private static final String IDEMPOTENCY_DOMAIN = "itdr.idempotency.v1";

    /** Which list of the decision an action comes from. */
    private enum Lane {
        NOW("action"), HELD("held");

        private final String label;

        Lane(String label) {
            this.label = label;
        }
    }

    private final ActionJournal journal;
    private final ExecutorRegistry executors;
    private final KillSwitch killSwitch;
    private final ActionSettings settings;
    private final Approvals approvals;
    /** Ids of the actions executing in this process now (see {@link #run}). */
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    public ActionCoordinator(ActionJournal journal, ExecutorRegistry executors, KillSwitch killSwitch,
                             ActionSettings settings) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.executors = Objects.requireNonNull(executors, "executors");
        this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.approvals = new Approvals(journal, settings.approvalTtl());
    }

    /** Convenience: a coordinator with its own journal; give {@link #journal()} to rollback and expiry. */
    public ActionCoordinator(Ledger ledger, ActionStore store, ExecutorRegistry executors, KillSwitch killSwitch,
                             Clock clock, ActionSettings settings) {
        this(new ActionJournal(ledger, store, clock), executors, killSwitch, settings);
    }

    public ActionJournal journal() {
        return journal;
    }

    /**
     * Carries out (or, in shadow mode, records) what {@code decision} says for {@code finding}.
     *
     * @return the records of the actions planned now, in decision order (none in shadow mode;
     *         actions that could not be planned are ledgered as {@code action.not_planned} and
     *         have no record)
     * @throws IllegalArgumentException when the decision is not about this finding
     * @throws io.itdr.core.audit.LedgerException when the ledger cannot be written; the action whose
     *         entry failed (and every later one) did not run
     */
    public List<ActionRecord> handle(Decision decision, Finding finding) {
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(finding, "finding");
        if (!decision.findingId().equals(finding.id()) || !decision.identityKey().equals(finding.identityKey())) {
            throw new IllegalArgumentException("decision " + decision.id() + " is about finding " + decision.findingId()
                    + " of " + decision.identityKey() + ", not finding " + finding.id() + " of " + finding.identityKey());
        }
        String actor = Actors.policy(decision.policy(), decision.ruleId());
        List<ActionRecord> records = new ArrayList<>();
        for (Lane lane : Lane.values()) {
            List<ActionRequest> requests = requests(decision, lane);
            for (int index = 0; index < requests.size(); index++) {
                if (decision.mode() == Mode.SHADOW) {
                    recordShadow(decision, finding, actor, lane, index);
                } else {
                    act(decision, finding, actor, lane, index).ifPresent(records::add);
                }
            }
        }
        return List.copyOf(records);
    }

    /**
     * A person asks for an action themselves (a responder who wants a held identity's key disabled,
     * say): it is planned (read-only) and held for approval, with {@code requester} recorded, who may
     * then not approve it (separation of duties). The id is deterministic
     * ({@code manual/<finding id>/<rung>/<requester>}), so asking again returns the existing action.
     *
     * @param findingId   the finding the request responds to
     * @param identityKey the identity the finding is about
     * @param platform    the platform whose executor acts
     * @throws ActionRefusedException {@code NO_EXECUTOR} when no executor serves {@code platform};
     *         {@code NOTHING_TO_DO} when the plan changes nothing (ledgered as {@code action.nothing_to_do},
     *         nothing stored, so asking again once the platform changed plans anew)
     * @throws ConnectorException when the connector cannot plan the request; nothing was stored
     */
    public ActionRecord requestByPerson(String findingId, String identityKey, String platform, ActionRequest request,
                                        String requester, String reason) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(reason, "reason");
        String actionId = "manual/" + findingId + "/" + request.rung().policyName() + "/" + requester;
        Optional<ActionRecord> existing = journal.find(actionId);
        if (existing.isPresent()) {
            return existing.get();
        }
        ActionExecutor executor = executors.find(platform).orElseThrow(() -> new ActionRefusedException(Refusal.NO_EXECUTOR,
                "no action executor for platform " + platform));
        ActionPlan plan = executor.plan(request);
        Map<String, String> evidence = new TreeMap<>(requestEvidence(request));
        evidence.put("finding.id", findingId);
        evidence.put("request.reason", reason);
        if (changesNothing(plan)) {
            String why = nothingToDo(identityKey, requester, withPlan(evidence, plan), plan);
            throw new ActionRefusedException(Refusal.NOTHING_TO_DO, why + "; not held for approval");
        }
        ActionRecord planned = journal.open(ActionRecord.planned(actionId, "manual/" + findingId, findingId, identityKey, platform,
                        plan, idempotencyKey(actionId), requester, journal.now()),
                Stage.CONTAINMENT, requester, "planned: " + plan.summary(), withPlan(evidence, plan));
        return approvals.request(planned, requester, Map.of("hold.reason", "requested by " + requester + ": " + reason));
    }

    /** Approves a held action for the plan it holds now, then executes it; see {@link #approve(String, String, String, String)}. */
    public ActionRecord approve(String actionId, String approver, String reason) {
        return approve(actionId, journal.require(actionId).planDigest(), approver, reason);
    }

    /**
     * Approves a held action for the plan with {@code planDigest} (the one the approver was shown),
     * re-plans it and executes it. If the fresh plan's digest differs (the platform drifted since),
     * the action is moved to failed and not executed: a new decision is needed.
     *
     * @return the record in its final state of this call (verified, executed, failed or unknown)
     * @throws ActionRefusedException {@code KILL_SWITCH} or {@code NO_EXECUTOR} (the action stays
     *         held), or any refusal of {@link Approvals#approve}
     */
    public ActionRecord approve(String actionId, String planDigest, String approver, String reason) {
        ActionRecord held = journal.require(actionId);
        requireKillSwitchReleased(actionId);
        ActionExecutor executor = executorFor(held);
        ActionRecord approved = approvals.approve(actionId, planDigest, approver, reason);
        ActionPlan fresh;
        try {
            fresh = executor.plan(approved.plan().request());
        } catch (RuntimeException e) {
            return journal.advance(approved, approved.failed("re-planning before execution failed: " + describe(e), journal.now()),
                    Stage.CONTAINMENT, approver, "failed: re-planning failed: " + describe(e), errorEvidence(e));
        }
        String freshDigest = PlanDigest.of(fresh);
        if (!freshDigest.equals(approved.planDigest())) {
            String why = "the plan changed since it was approved (the platform drifted): approved " + approved.planDigest()
                    + ", now " + freshDigest + "; not executed, a new decision is needed";
            return journal.advance(approved, approved.failed(why, journal.now()), Stage.CONTAINMENT, approver,
                    "failed: plan changed since approval", Map.of("plan.digest.current", freshDigest));
        }
        return run(approved, executor, approver);
    }

    /** @see Approvals#reject */
    public ActionRecord reject(String actionId, String approver, String reason) {
        return approvals.reject(actionId, approver, reason);
    }

    /** Moves held actions whose approval request lapsed to expired; call it periodically. */
    public List<ActionRecord> expireDue() {
        return approvals.expireDue();
    }

    /**
     * Settles an action whose outcome is not known (left in executing by a crash, or unknown after
     * a timeout) or that was executed but not verified, by reading the platform through
     * {@code verify}. It never executes again: in the post-state → executed and verified; an
     * action a crash left executing whose platform shows no change → held for approval (the call
     * was most likely never made, and the containment is still wanted); otherwise failed (executed
     * stays executed, with the new read-back).
     *
     * @throws ActionRefusedException {@code NOT_FOUND}, {@code ILLEGAL_STATE}, {@code NO_EXECUTOR}
     * @throws ConnectorException when the platform cannot be read; nothing changed, try again later
     */
    public ActionRecord reconcile(String actionId) {
        ActionRecord record = journal.require(actionId);
        if (!Set.of(ActionState.EXECUTING, ActionState.UNKNOWN, ActionState.EXECUTED).contains(record.state())) {
            throw new ActionRefusedException(Refusal.ILLEGAL_STATE, "action " + actionId + " is " + record.state().label()
                    + "; only executing, unknown or unverified executed actions are reconciled");
        }
        ActionExecutor executor = executorFor(record);
        Verification observed = executor.verify(record.plan());
        String actor = settings.systemActor();
        if (record.state() == ActionState.EXECUTED) {
            return settle(record, observed, actor);
        }
        Containment.Progress progress = Containment.progress(record.plan(), observed.observed());
        if (!observed.inPostState() && progress.isPartial()) {
            // half done (a crash or a lost answer between two of its calls): neither held (approving would re-plan from a
            // state that is no longer the plan's pre-state) nor failed (part of it is in force); a person completes or reverts it
            return toPartial(record, observed, progress, "reconciled after " + (record.state() == ActionState.EXECUTING
                    ? "an interrupted execution" : "an unknown outcome"), Map.of("reconciled", "true"), actor);
        }
        if (!observed.inPostState() && record.state() == ActionState.EXECUTING) {
            // A crash cut it off after its intent; the platform shows no change, so most likely the call was never made.
            // Settling it failed would silently drop a containment that is still wanted: a person decides, through the
            // approval (which re-plans, checks the digest and executes).
            return approvals.request(record, actor, Map.of("reconciled", "true", "hold.reason",
                    "execution was interrupted (the server stopped) before the platform changed (" + observed.detail()
                            + "); approve to carry it out, reject to drop it"));
        }
        if (!observed.inPostState()) {
            String why = "reconciled: the platform is not in the post-state (" + observed.detail() + "); not executed again";
            return journal.advance(record, record.failed(why, journal.now()), Stage.CONTAINMENT, actor,
                    "failed: " + why, Map.of("reconciled", "true"));
        }
        // Execution's own result was lost; what is known is that the platform is in the post-state.
        ExecutionResult readBack = new ExecutionResult(record.idempotencyKey(), true, List.of(), observed.observed());
        ActionRecord executed = journal.advance(record, record.executed(readBack, journal.now()), Stage.CONTAINMENT, actor,
                "executed (reconciled: the platform is in the post-state)", Map.of("reconciled", "true"));
        return settle(executed, observed, actor);
    }

    /**
     * Completes a partially carried out action ({@link ActionState#PARTIAL}): executes its plan again
     * under its own idempotency key (the connector does only the steps not done), then verifies it,
     * exactly as the first execution; intent is ledgered first. The plan is not made again: its
     * pre-state is the state before the first step, which the platform no longer shows, and the
     * decision (or approval) to carry it out was taken for the whole plan.
     *
     * @param reason the person's reason, ledgered ({@code action.complete_requested}) before anything
     *               else; null when there is none to record
     * @return the record in its final state of this call (verified, executed, partial again, failed or unknown)
     * @throws ActionRefusedException {@code NOT_FOUND}; {@code ILLEGAL_STATE} unless partial;
     *         {@code KILL_SWITCH} (nothing changes); {@code NO_EXECUTOR}
     */
    public ActionRecord complete(String actionId, String actor, String reason) {
        if (actor == null || actor.isBlank()) {
            throw new IllegalArgumentException("actor is required to complete an action");
        }
        ActionRecord record = journal.require(actionId);
        if (reason != null) {
            journal.note(record, LedgerKinds.ACTION_COMPLETE_REQUESTED, Stage.CONTAINMENT, actor, "requested",
                    Map.of("request.reason", reason));
        }
        if (record.state() != ActionState.PARTIAL) {
            throw new ActionRefusedException(Refusal.ILLEGAL_STATE, "cannot complete action " + actionId + ": it is "
                    + record.state().label() + "; only a partially carried out action (partial) is completed");
        }
        requireKillSwitchReleased(actionId);
        return run(record, executorFor(record), actor);
    }

    /**
     * Reconciles every action in executing or unknown (call it at start-up); one that cannot be
     * read now is logged and left for the next call.
     */
    public List<ActionRecord> reconcilePending() {
        List<ActionRecord> settled = new ArrayList<>();
        for (ActionRecord pending : journal.inStates(Set.of(ActionState.EXECUTING, ActionState.UNKNOWN))) {
            if (running.contains(pending.id())) {
                continue; // executing in this process right now: its own thread settles it
            }
            try {
                settled.add(reconcile(pending.id()));
            } catch (ConnectorException | ActionRefusedException | StaleActionException e) {
                LOG.warn("action {} could not be reconciled yet: {}", Printable.escape(pending.id()), Printable.escape(e.getMessage()));
            }
        }
        return List.copyOf(settled);
    }

    private Optional<ActionRecord> act(Decision decision, Finding finding, String actor, Lane lane, int index) {
        String actionId = decision.id() + "/" + lane.label + "/" + index;
        Optional<ActionRecord> existing = journal.find(actionId);
        if (existing.isPresent()) {
            LOG.info("decision {} was handled before; action {} is {}", Printable.escape(decision.id()), Printable.escape(actionId),
                    existing.get().state().label());
            return existing;
        }
        ActionRequest request = requests(decision, lane).get(index);
        Map<String, String> evidence = decisionEvidence(decision, finding, lane, index);
        if (lane == Lane.NOW && killSwitch.isEngaged()) {
            KillSwitch.State stop = killSwitch.state();
            notPlanned(decision, actor, request, evidence, "blocked by the kill switch (engaged by " + stop.actor() + ": " + stop.reason() + ")");
            return Optional.empty();
        }
        Optional<ActionExecutor> executor = executors.find(finding.platform());
        if (executor.isEmpty()) {
            notPlanned(decision, actor, request, evidence, "no action executor for platform " + finding.platform());
            return Optional.empty();
        }
        ActionPlan plan;
        try {
            plan = executor.get().plan(request);
        } catch (RuntimeException e) {
            Map<String, String> withError = new TreeMap<>(evidence);
            withError.putAll(errorEvidence(e));
            notPlanned(decision, actor, request, withError, "planning failed: " + describe(e));
            return Optional.empty();
        }
        boolean wouldHold = lane == Lane.HELD || plan.reversibility() == Reversibility.IRREVERSIBLE;
        if (wouldHold && changesNothing(plan)) {
            Map<String, String> all = new TreeMap<>(withPlan(evidence, plan));
            all.putAll(requestEvidence(request));
            nothingToDo(decision.identityKey(), actor, all, plan);
            return Optional.empty();
        }
        ActionRecord planned = journal.open(ActionRecord.planned(actionId, decision.id(), finding.id(), finding.identityKey(),
                        finding.platform(), plan, idempotencyKey(actionId), settings.systemActor(), journal.now(), finding.confidence()),
                Stage.CONTAINMENT, actor, "planned: " + plan.summary(), withPlan(evidence, plan));
        if (lane == Lane.HELD) {
            return Optional.of(approvals.request(planned, actor, Map.of("hold.reason", "the decision holds the intended rung for a person")));
        }
        if (plan.reversibility() == Reversibility.IRREVERSIBLE) {
            return Optional.of(approvals.request(planned, actor, Map.of("hold.reason", "irreversible actions always need approval")));
        }
        return Optional.of(run(planned, executor.get(), actor));
    }

    /**
     * Executes a planned or approved action and verifies it; intent is ledgered first. While it
     * runs, its id is in {@link #running}, so reconciliation leaves it alone: an action executing
     * in this process is not a crash's leftover.
     */
    private ActionRecord run(ActionRecord ready, ActionExecutor executor, String actor) {
        running.add(ready.id());
        try {
            return executeAndVerify(ready, executor, actor);
        } finally {
            running.remove(ready.id());
        }
    }

    private ActionRecord executeAndVerify(ActionRecord ready, ActionExecutor executor, String actor) {
        if (killSwitch.isEngaged()) {
            KillSwitch.State stop = killSwitch.state();
            String why = "blocked by the kill switch (engaged by " + stop.actor() + ": " + stop.reason() + ")";
            return journal.advance(ready, ready.failed(why, journal.now()), Stage.CONTAINMENT, actor, "failed: " + why, Map.of());
        }
        ActionRecord executing = journal.advance(ready, ready.executing(journal.now()), Stage.CONTAINMENT, actor,
                "executing", Map.of());
        ExecutionResult result;
        try {
            result = executor.execute(executing.plan(), executing.idempotencyKey());
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.TIMEOUT) {
                return unknownOutcome(executing, actor, e);
            }
            if (e.retriable()) {
                return readBackAfter(e, executing, executor, actor);
            }
            Optional<ActionRecord> halfWay = partialAfterRefusal(e, executing, executor, actor);
            if (halfWay.isPresent()) {
                return halfWay.get();
            }
            return journal.advance(executing, executing.failed(describe(e), journal.now()), Stage.CONTAINMENT, actor,
                    "failed: " + describe(e), errorEvidence(e));
        } catch (RuntimeException e) {
            return unknownOutcome(executing, actor, e);
        }
        ActionRecord executed = journal.advance(executing, executing.executed(result, journal.now()), Stage.CONTAINMENT,
                actor, result.alreadyApplied() ? "executed (already applied)" : "executed", executionEvidence(result));
        Verification observed;
        try {
            observed = executor.verify(executed.plan());
        } catch (RuntimeException e) {
            String why = "verification failed: " + describe(e);
            return journal.amend(executed, executed.unverified(null, why, journal.now()), LedgerKinds.ACTION_UNVERIFIED,
                    Stage.CONTAINMENT, actor, why, errorEvidence(e));
        }
        return settle(executed, observed, actor);
    }

    /**
     * A retriable error from execute (a 5xx, a reset connection, an unreadable answer, throttling) may
     * come after the platform applied the call: the answer was lost, not the change. The platform is
     * read back before anything is recorded: in the post-state → executed and verified; no change →
     * failed with the error; not readable → unknown, to be reconciled later. Never executed again.
     */
    private ActionRecord readBackAfter(ConnectorException e, ActionRecord executing, ActionExecutor executor, String actor) {
        Verification observed;
        try {
            observed = executor.verify(executing.plan());
        } catch (RuntimeException unreadable) {
            return unknownOutcome(executing, actor, e);
        }
        Containment.Progress progress = Containment.progress(executing.plan(), observed.observed());
        if (!observed.inPostState() && progress.isPartial()) {
            return toPartial(executing, observed, progress, describe(e), errorEvidence(e), actor);
        }
        if (!observed.inPostState()) {
            String why = describe(e) + "; read back: the platform shows no change (" + observed.detail() + ")";
            return journal.advance(executing, executing.failed(why, journal.now()), Stage.CONTAINMENT, actor, "failed: " + why,
                    errorEvidence(e));
        }
        ExecutionResult readBack = new ExecutionResult(executing.idempotencyKey(), true, List.of(), observed.observed());
        Map<String, String> evidence = new java.util.LinkedHashMap<>(errorEvidence(e));
        evidence.put("reconciled", "true");
        ActionRecord executed = journal.advance(executing, executing.executed(readBack, journal.now()), Stage.CONTAINMENT, actor,
                "executed (the answer was lost: " + describe(e) + "; read back in the post-state)", evidence);
        return settle(executed, observed, actor);
    }

    /**
     * A refusal (not retriable: permission denied, not found, a conflict) on the second call of a
     * multi-step plan leaves the first in force: read back, so a half-done action is recorded as
     * partial rather than failed. Empty for a single-step plan, an unreadable platform or any state
     * that is not cleanly half done (then it fails, as before).
     */
    private Optional<ActionRecord> partialAfterRefusal(ConnectorException e, ActionRecord executing, ActionExecutor executor,
                                                       String actor) {
        if (Containment.steps(executing.plan()) < 2) {
            return Optional.empty();
        }
        Verification observed;
        try {
            observed = executor.verify(executing.plan());
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
        Containment.Progress progress = Containment.progress(executing.plan(), observed.observed());
        if (observed.inPostState() || !progress.isPartial()) {
            return Optional.empty();
        }
        return Optional.of(toPartial(executing, observed, progress, describe(e), errorEvidence(e), actor));
    }

    /** Records that the action stopped half-way, with the steps done and not done, ledgered ({@code action.partial}). */
    private ActionRecord toPartial(ActionRecord from, Verification observed, Containment.Progress progress, String cause,
                                   Map<String, String> evidence, String actor) {
        Containment containment = progress.partial();
        String why = "partially contained: " + progress.describe() + "; " + cause;
        Map<String, String> all = new TreeMap<>(evidence);
        all.put("containment", containment.status());
        all.put("steps.done", Containment.keys(containment.stepsDone()));
        all.put("steps.not_done", Containment.keys(containment.stepsNotDone()));
        observed.observed().state().forEach((key, value) -> all.put("observed." + key, value));
        LOG.warn("action {}: {}", Printable.escape(from.id()), Printable.escape(why));
        return journal.advance(from, from.partial(containment, observed, why, journal.now()), Stage.CONTAINMENT, actor,
                why + "; a person completes it (executed again, the steps done are not repeated) or rolls back the steps done",
                all);
    }

    private ActionRecord unknownOutcome(ActionRecord executing, String actor, RuntimeException e) {
        String why = "outcome unknown: " + describe(e) + "; to be reconciled by reading the platform, not retried";
        LOG.warn("action {}: {}", Printable.escape(executing.id()), Printable.escape(why));
        return journal.advance(executing, executing.unknown(why, journal.now()), Stage.CONTAINMENT, actor, why, errorEvidence(e));
    }

    /** Executed → verified when the read-back shows the post-state; otherwise stays executed with the read-back. */
    private ActionRecord settle(ActionRecord executed, Verification observed, String actor) {
        if (observed.inPostState()) {
            return journal.advance(executed, executed.verified(observed, journal.now()), Stage.CONTAINMENT, actor,
                    "verified", Map.of());
        }
        String why = "the platform is not in the post-state: " + observed.detail();
        return journal.amend(executed, executed.unverified(observed, why, journal.now()), LedgerKinds.ACTION_UNVERIFIED,
                Stage.CONTAINMENT, actor, why, Map.of());
    }

    private void recordShadow(Decision decision, Finding finding, String actor, Lane lane, int index) {
        ActionRequest request = requests(decision, lane).get(index);
        String would = lane == Lane.HELD
                ? "would hold " + request.rung().policyName() + " for approval"
                : "would execute " + request.rung().policyName();
        Map<String, String> evidence = new TreeMap<>(decisionEvidence(decision, finding, lane, index));
        evidence.putAll(requestEvidence(request));
        journal.append(new LedgerDraft(null, Stage.CONTAINMENT, LedgerKinds.ACTION_SHADOW, actor, decision.identityKey(),
                evidence, would));
    }

    private void notPlanned(Decision decision, String actor, ActionRequest request, Map<String, String> evidence, String why) {
        Map<String, String> all = new TreeMap<>(evidence);
        all.putAll(requestEvidence(request));
        journal.append(new LedgerDraft(null, Stage.CONTAINMENT, LedgerKinds.ACTION_NOT_PLANNED, actor,
                decision.identityKey(), all, why));
        LOG.warn("decision {}: {} not planned: {}", Printable.escape(decision.id()), request.rung().policyName(), Printable.escape(why));
    }

    /**
     * Whether executing {@code plan} would change nothing: it makes no mutating call and its
     * pre-state is its post-state. Such a plan is not held for approval.
     */
    static boolean changesNothing(ActionPlan plan) {
        return plan.isNoOp() && plan.calls().stream().noneMatch(PlatformCall::mutating);
    }

    /** Ledgers that a plan was not held because it changes nothing; returns the reason. */
    private String nothingToDo(String identityKey, String actor, Map<String, String> evidence, ActionPlan plan) {
        String why = "nothing to do: " + plan.summary();
        journal.append(new LedgerDraft(null, Stage.CONTAINMENT, LedgerKinds.ACTION_NOTHING_TO_DO, actor, identityKey, evidence, why));
        LOG.info("{} not held for approval: {}", plan.request().rung().policyName(), Printable.escape(why));
        return why;
    }

    private void requireKillSwitchReleased(String actionId) {
        if (killSwitch.isEngaged()) {
            KillSwitch.State stop = killSwitch.state();
            throw new ActionRefusedException(Refusal.KILL_SWITCH, "action " + actionId + " cannot start: the kill switch was engaged by "
                    + stop.actor() + " (" + stop.reason() + ")");
        }
    }

    private ActionExecutor executorFor(ActionRecord record) {
        return executors.find(record.platform()).orElseThrow(() -> new ActionRefusedException(Refusal.NO_EXECUTOR,
                "no action executor for platform " + record.platform() + " (action " + record.id() + ")"));
    }

    private static List<ActionRequest> requests(Decision decision, Lane lane) {
        return switch (lane) {
            case NOW -> decision.actions();
            case HELD -> decision.hold() ? decision.heldActions() : List.of();
        };
    }

    /** Deterministic, short enough for platform client tokens (AWS allows 64 characters). */
    static String idempotencyKey(String actionId) {
        return "itdr-" + new HashInput(IDEMPOTENCY_DOMAIN).text(actionId).sha256Hex().substring(0, 40);
    }

    private static Map<String, String> decisionEvidence(Decision decision, Finding finding, Lane lane, int index) {
        Map<String, String> evidence = new TreeMap<>();
        evidence.put("decision.id", decision.id());
        evidence.put("decision.mode", decision.mode().policyName());
        evidence.put("decision.rung", decision.rung().policyName());
        evidence.put("decision.intended_rung", decision.intendedRung().policyName());
        evidence.put("decision.hold", Boolean.toString(decision.hold()));
        evidence.put("decision.reasons", String.join("; ", decision.reasons()));
        evidence.put("decision.guardrails", String.join(",", decision.guardrails()));
        if (decision.ruleId() != null) {
            evidence.put("policy.rule", decision.ruleId());
        }
        evidence.put("policy", decision.policy().name() + "@" + decision.policy().version());
        evidence.put("policy.sha256", decision.policy().sha256());
        evidence.put("finding.id", finding.id());
        evidence.put("finding.detector", finding.detector());
        evidence.put("finding.confidence", Double.toString(finding.confidence()));
        evidence.put("trigger.events", String.join(",", finding.evidenceEventIds()));
        if (finding.attributes().containsKey("pushed_by")) {
            // who pushed the evidence is named beside every action it leads to
            evidence.put("event.pushed_by", finding.attributes().get("pushed_by"));
        }
        evidence.put("action.lane", lane.label);
        evidence.put("action.index", Integer.toString(index));
        return evidence;
    }

    private static Map<String, String> requestEvidence(ActionRequest request) {
        Map<String, String> evidence = new TreeMap<>();
        evidence.put("request.rung", request.rung().policyName());
        evidence.put("request.target.identity", request.target().identity().id());
        if (request.target().credential() != null) {
            evidence.put("request.target.credential", request.target().credential().id());
        }
        if (request.target().tenant() != null) {
            evidence.put("request.target.tenant", request.target().tenant());
        }
        return evidence;
    }

    private static Map<String, String> withPlan(Map<String, String> evidence, ActionPlan plan) {
        Map<String, String> all = new TreeMap<>(evidence);
        all.put("plan.summary", plan.summary());
        all.put("plan.calls", describeCalls(plan.calls()));
        plan.preState().state().forEach((key, value) -> all.put("pre." + key, value));
        plan.postState().state().forEach((key, value) -> all.put("post." + key, value));
        return all;
    }

    private static Map<String, String> executionEvidence(ExecutionResult result) {
        Map<String, String> evidence = new TreeMap<>();
        evidence.put("execution.already_applied", Boolean.toString(result.alreadyApplied()));
        evidence.put("execution.performed", describeCalls(result.performed()));
        return evidence;
    }

    private static String describeCalls(List<PlatformCall> calls) {
        return calls.stream().map(c -> c.operation() + " " + c.resource()).collect(Collectors.joining("; "));
    }

    private static Map<String, String> errorEvidence(RuntimeException e) {
        return Map.of("error.code", e instanceof ConnectorException ce ? ce.code().name() : e.getClass().getName());
    }

    /** Connector messages carry no secrets (SPI contract), so they may be ledgered. */
    static String describe(RuntimeException e) {
        return e instanceof ConnectorException ce
                ? ce.code() + ": " + ce.getMessage()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
