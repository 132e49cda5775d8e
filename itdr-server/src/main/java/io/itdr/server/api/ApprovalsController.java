package io.itdr.server.api;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.server.query.ActionQueries;
import io.itdr.server.response.ActionCommands;
import io.itdr.server.security.Caller;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.time.Clock;
import java.time.Instant;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Held actions waiting for a human: list them with the plan and its digest, approve (bound to the
 * digest the approver saw, which is required) or reject, always with a reason. The requester of an
 * action may not approve it, through whatever token or login (403, refusal {@code self_approval}:
 * principals are compared). Action ids are URL-encoded in
 * the path as in {@link ActionsController}.
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/approvals")
public class ApprovalsController {
    /** One approval request: what would run, who asked, until when; {@code expired} once past expiry (expired soon by housekeeping). */
    public record Approval(String actionId, String findingId, String decisionId, String identityKey, String platform, Rung rung,
                           String summary, Reversibility reversibility, String planDigest, String requester, Instant requestedAt,
                           Instant expiresAt, boolean expired, ActionPlan plan) {
    }

    public record ApproveBody(String reason, String planDigest) {
    }

    public record RejectBody(String reason) {
    }

    private final ActionQueries actions;
    private final ActionCommands commands;
    private final Clock clock;

    public ApprovalsController(ActionQueries actions, ActionCommands commands, Clock clock) {
        this.actions = actions;
        this.commands = commands;
        this.clock = clock;
    }

    @GetMapping
    public Paging.Page<Approval> approvals(@RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") long offset) {
        Paging paging = Paging.of(limit, offset);
        Instant now = clock.instant();
        return paging.page(actions.page(ActionState.HELD, null, paging.limit(), paging.offset()).stream()
                .map(record -> approval(record, now)).toList());
    }

    /** Approves and executes; answers with the action in the state this call left it (verified, executed, failed or unknown). */
    @PostMapping("/{actionId}/approve")
    public ActionRecord approve(@PathVariable String actionId, @RequestBody ApproveBody body, @AuthenticationPrincipal Caller caller) {
        String reason = Inputs.reason(body.reason());
        if (body.planDigest() == null || body.planDigest().isBlank()) {
            throw ApiProblem.badInput("planDigest", "is required: the digest of the plan you reviewed (GET /api/v1/approvals shows it), "
                    + "so what runs is what you approved");
        }
        return commands.approve(actionId, body.planDigest().strip(), caller.actor(), reason);
    }

    @PostMapping("/{actionId}/reject")
    public ActionRecord reject(@PathVariable String actionId, @RequestBody RejectBody body, @AuthenticationPrincipal Caller caller) {
        return commands.reject(actionId, caller.actor(), Inputs.reason(body.reason()));
    }

    private static Approval approval(ActionRecord record, Instant now) {
        ActionPlan plan = record.plan();
        return new Approval(record.id(), record.findingId(), record.decisionId(), record.identityKey(), record.platform(),
                plan.request().rung(), plan.summary(), plan.reversibility(), record.planDigest(), record.requester(), record.createdAt(),
                record.approvalExpiresAt(), !now.isBefore(record.approvalExpiresAt()), plan);
    }
}
