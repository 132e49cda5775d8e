package io.itdr.server.api;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.model.Finding;
import io.itdr.server.query.ActionQueries;
import io.itdr.server.query.CaseQueries;
import io.itdr.server.query.LedgerQueries;
import io.itdr.server.response.ActionCommands;
import io.itdr.server.security.Caller;
import io.itdr.server.security.Role;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.CredentialRef;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriUtils;

/**
 * Actions and their lifecycle: list, detail with the ledger evidence, a person's own request
 * (held for someone else's approval), completion of a partially carried out one, rollback and confirmation. Action ids contain '/'
 * ({@code dec-…/action/0}, {@code manual/…}): send them URL-encoded as one path segment
 * ({@code /api/v1/actions/dec-1%2Faction%2F0}).
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/actions")
public class ActionsController {
    /** How far back an action's evidence is looked for among its identity's ledger entries. */
    private static final int LEDGER_SCAN = 5000;

    /**
     * An action with when it will be restored automatically (null if it will not) and every
     * ledger entry that cites it, oldest first.
     */
    public record ActionDetail(ActionRecord action, Instant restoresAt, List<ActionQueries.Verdict> verdicts, List<LedgerEntry> ledger) {
    }

    /** {@code POST /actions}: ask for {@code rung} on the identity of a stored finding. */
    public record NewAction(String findingId, String rung, String credentialId, String reason) {
    }

    public record RollbackBody(String reason, Boolean force) {
    }

    public record ConfirmBody(String reason) {
    }

    public record CompleteBody(String reason) {
    }

    private final ActionQueries actions;
    private final CaseQueries cases;
    private final LedgerQueries ledger;
    private final ActionCommands commands;

    public ActionsController(ActionQueries actions, CaseQueries cases, LedgerQueries ledger, ActionCommands commands) {
        this.actions = actions;
        this.cases = cases;
        this.ledger = ledger;
        this.commands = commands;
    }

    @GetMapping
    public Paging.Page<ActionRecord> actions(@RequestParam(required = false) String state, @RequestParam(required = false) String identity,
                                             @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") long offset) {
        Paging paging = Paging.of(limit, offset);
        return paging.page(actions.page(state == null ? null : state(state), identity, paging.limit(), paging.offset()));
    }

    @GetMapping("/{id}")
    public ActionDetail action(@PathVariable String id) {
        ActionRecord record = require(id);
        List<LedgerEntry> evidence = ledger.forIdentity(record.identityKey(), LEDGER_SCAN).stream()
                .filter(entry -> id.equals(entry.evidence().get("action.id")))
                .toList();
        return new ActionDetail(record, commands.restoresAt(record).orElse(null), actions.verdicts(record.id()), evidence);
    }

    @PostMapping
    public ResponseEntity<ActionRecord> request(@RequestBody NewAction body, @AuthenticationPrincipal Caller caller) {
        String findingId = Inputs.text("findingId", body.findingId(), 300);
        Rung rung = rung(body.rung());
        String reason = Inputs.reason(body.reason());
        Finding finding = cases.finding(findingId).orElseThrow(() -> ApiProblem.notFound("finding", findingId));
        ActionRecord held = commands.request(finding, new ActionRequest(rung, new ActionTarget(finding.tenant(), finding.identity(),
                credential(finding, body.credentialId())), Map.of()), caller.actor(), reason);
        return ResponseEntity.created(URI.create("/api/v1/actions/" + encode(held.id()))).body(held);
    }

    /** Restores the action's pre-state; {@code force} (overwrite a later change, drift) needs the approver role. */
    @PostMapping("/{id}/rollback")
    public ActionRecord rollback(@PathVariable String id, @RequestBody RollbackBody body, @AuthenticationPrincipal Caller caller) {
        boolean force = Boolean.TRUE.equals(body.force());
        if (force) {
            caller.require(Role.APPROVER, "forcing a rollback");
        }
        String reason = Inputs.reason(body.reason());
        require(id);
        return commands.rollback(id, caller.actor(), reason, force);
    }

    /**
     * Completes a partially carried out action ({@code partial}): its plan is executed again under its own
     * idempotency key, so the steps done are not repeated; answers with the action as it ended.
     */
    @PostMapping("/{id}/complete")
    public ActionRecord complete(@PathVariable String id, @RequestBody CompleteBody body, @AuthenticationPrincipal Caller caller) {
        String reason = Inputs.reason(body.reason());
        require(id);
        return commands.complete(id, caller.actor(), reason);
    }

    /** Keeps an expiring action (a quarantine) in force past its expiry. */
    @PostMapping("/{id}/confirm")
    public ActionRecord confirm(@PathVariable String id, @RequestBody(required = false) ConfirmBody body, @AuthenticationPrincipal Caller caller) {
        require(id);
        String reason = body != null && body.reason() != null ? Inputs.reason(body.reason()) : null;
        return commands.confirm(id, caller.actor(), reason);
    }

    static String encode(String id) {
        return UriUtils.encodePathSegment(id, StandardCharsets.UTF_8);
    }

    private ActionRecord require(String id) {
        return actions.find(id).orElseThrow(() -> ApiProblem.notFound("action", id));
    }

    private static ActionState state(String label) {
        return Arrays.stream(ActionState.values()).filter(s -> s.label().equals(label)).findFirst()
                .orElseThrow(() -> ApiProblem.badInput("state", "unknown state '" + label + "'; states are "
                        + Arrays.stream(ActionState.values()).map(ActionState::label).toList()));
    }

    private static Rung rung(String name) {
        if (name == null || name.isBlank()) {
            throw ApiProblem.badInput("rung", "is required");
        }
        Rung rung;
        try {
            rung = Rung.fromPolicyName(name.strip());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badInput("rung", e.getMessage());
        }
        if (!rung.changesPlatform()) {
            throw ApiProblem.badInput("rung", rung.policyName() + " changes nothing on a platform; request step_up or above");
        }
        return rung;
    }

    /** The named credential (its kind known when it is the finding's); else the finding's own, if any. */
    private static CredentialRef credential(Finding finding, String credentialId) {
        if (credentialId == null || credentialId.isBlank()) {
            return finding.credential();
        }
        String id = credentialId.strip();
        String kind = finding.credential() != null && finding.credential().id().equals(id) ? finding.credential().kind() : null;
        return new CredentialRef(id, kind);
    }
}
