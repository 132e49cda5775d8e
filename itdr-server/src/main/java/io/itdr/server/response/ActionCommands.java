package io.itdr.server.response;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.model.Finding;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.server.query.ActionQueries;
import io.itdr.server.store.JdbcActionStore;
import io.itdr.spi.action.ActionRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * What people ask of the engine through the API: approve or reject a held action, request one,
 * roll one back, keep an expiring one in force. Each goes to the core, which ledgers it; verdicts
 * are also stored with their reasons for queries once the core accepted them. Thread-safe.
 */
@Component
public class ActionCommands {
    private final ResponseEngine engine;
    private final JdbcActionStore actions;
    private final Clock clock;

    public ActionCommands(ResponseEngine engine, JdbcActionStore actions, Clock clock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Approves a held action for the plan the approver reviewed and carries it out; the verdict and
     * its reason are stored once the core accepted the approval (the ledger has them first).
     */
    public ActionRecord approve(String actionId, String planDigest, String approver, String reason) {
        ActionRecord result = engine.coordinator().approve(actionId, Objects.requireNonNull(planDigest, "planDigest"), approver, reason);
        actions.recordVerdict(new ActionQueries.Verdict(actionId, "approved", approver, reason, clock.instant()));
        return result;
    }

    public ActionRecord reject(String actionId, String approver, String reason) {
        ActionRecord result = engine.coordinator().reject(actionId, approver, reason);
        actions.recordVerdict(new ActionQueries.Verdict(actionId, "rejected", approver, reason, clock.instant()));
        return result;
    }

    /** A person's own request for an action on the identity of a stored finding; held for someone else's approval. */
    public ActionRecord request(Finding finding, ActionRequest request, String requester, String reason) {
        return engine.coordinator().requestByPerson(finding.id(), finding.identityKey(), finding.platform(), request, requester, reason);
    }

    /** Restores the action's pre-state; the person's reason is ledgered before anything is tried. */
    public ActionRecord rollback(String actionId, String actor, String reason, boolean force) {
        return engine.rollback().rollback(actionId, actor, reason, force);
    }

    /** Executes a partially carried out action again to complete it; the person's reason is ledgered first. */
    public ActionRecord complete(String actionId, String actor, String reason) {
        return engine.coordinator().complete(actionId, actor, reason);
    }

    /** Keeps an expiring action in force; the person's reason, if any, is ledgered first. */
    public ActionRecord confirm(String actionId, String actor, String reason) {
        return engine.expiry().confirm(actionId, actor, reason);
    }

    /**
     * When an action in force will be restored automatically; empty when it does not expire, was
     * confirmed, or is kept for a person (a confident compromise finding).
     */
    public Optional<Instant> restoresAt(ActionRecord record) {
        return engine.expiry().keptForAPerson(record).isPresent() ? Optional.empty() : engine.expiry().expiresAt(record);
    }
}
