package io.itdr.server.api;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.audit.LedgerDraft;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Stage;
import io.itdr.server.engine.Engine;
import io.itdr.server.store.JdbcActionStore;
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
import java.util.TreeMap;
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
 * (held for someone else's approval), rollback and confirmation. Action ids contain '/'
 * ({@code dec-…/action/0}, {@code manual/…}): send them URL-encoded as one path segment
 * ({@code /api/v1/actions/dec-1%2Faction%2F0}).
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/actions")
public class ActionsController {
    /** Ledger kinds this API writes: a person's reason, recorded before the engine acts on it. */
    public static final String ROLLBACK_REQUESTED = "action.rollback_requested";
    public static final String CONFIRM_REQUESTED = "action.confirm_requested";
    /** How far back an action's evidence is looked for among its identity's ledger entries. */
    private static final int LEDGER_SCAN = 5000;

    /**
     * An action with when it will be restored automatically (null if it will not) and every
     * ledger entry that cites it, oldest first.
     */
    public record ActionDetail(ActionRecord action, Instant restoresAt, List<JdbcActionStore.Verdict> verdicts, List<LedgerEntry> ledger) {
    }

    /** {@code POST /actions}: ask for {@code rung} on the identity of a stored finding. */
    public record NewAction(String findingId, String rung, String credentialId, String reason) {
    }

    public record RollbackBody(String reason, Boolean force) {
    }

    public record ConfirmBody(String reason) {
    }

    private final Engine engine;

    public ActionsController(Engine engine) {
        this.engine = engine;
    }

    @GetMapping
    public Paging.Page<ActionRecord> actions(@RequestParam(required = false) String state, @RequestParam(required = false) String identity,
                                             @RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") long offset) {
        Paging paging = Paging.of(limit, offset);
        return paging.page(engine.actions().page(state == null ? null : state(state), identity, paging.limit(), paging.offset()));
    }

    @GetMapping("/{id}")
    public ActionDetail action(@PathVariable String id) {
        ActionRecord record = require(id);
        List<LedgerEntry> evidence = engine.ledger().forIdentity(record.identityKey(), LEDGER_SCAN).stream()
                .filter(entry -> id.equals(entry.evidence().get("action.id")))
                .toList();
        return new ActionDetail(record, engine.restoresAt(record).orElse(null), engine.actions().verdicts(record.id()), evidence);
    }

    @PostMapping
    public ResponseEntity<ActionRecord> request(@RequestBody NewAction body, @AuthenticationPrincipal Caller caller) {
        String findingId = Inputs.text("findingId", body.findingId(), 300);
        Rung rung = rung(body.rung());
        String reason = Inputs.reason(body.reason());
        Finding finding = engine.cases().finding(findingId).orElseThrow(() -> ApiProblem.notFound("finding", findingId));
        ActionRecord held = engine.request(finding, new ActionRequest(rung, new ActionTarget(finding.tenant(), finding.identity(),
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
        ActionRecord record = require(id);
        note(record, ROLLBACK_REQUESTED, caller, Map.of("request.reason", reason, "rollback.force", Boolean.toString(force)));
        return engine.rollback(id, caller.actor(), force);
    }

    /** Keeps an expiring action (a quarantine) in force past its expiry. */
    @PostMapping("/{id}/confirm")
    public ActionRecord confirm(@PathVariable String id, @RequestBody(required = false) ConfirmBody body, @AuthenticationPrincipal Caller caller) {
        ActionRecord record = require(id);
        if (body != null && body.reason() != null) {
            note(record, CONFIRM_REQUESTED, caller, Map.of("request.reason", Inputs.reason(body.reason())));
        }
        return engine.confirm(id, caller.actor());
    }

    static String encode(String id) {
        return UriUtils.encodePathSegment(id, StandardCharsets.UTF_8);
    }

    private ActionRecord require(String id) {
        return engine.actions().find(id).orElseThrow(() -> ApiProblem.notFound("action", id));
    }

    /** Ledgers a person's reason before the engine acts, so the reason is on record whatever happens next. */
    private void note(ActionRecord record, String kind, Caller caller, Map<String, String> details) {
        Map<String, String> evidence = new TreeMap<>(details);
        evidence.put("action.id", record.id());
        evidence.put("finding.id", record.findingId());
        engine.ledger().append(new LedgerDraft(null, Stage.RECOVERY, kind, caller.actor(), record.identityKey(), evidence, "requested"));
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
