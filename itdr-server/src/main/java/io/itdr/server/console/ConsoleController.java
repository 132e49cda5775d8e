package io.itdr.server.console;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.audit.Actors;
import io.itdr.core.audit.LedgerCheckpoints;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.CatalogEntry;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.model.Decision;
import io.itdr.core.normalize.EventJson;
import io.itdr.server.api.ActionsController;
import io.itdr.server.api.ApprovalsController;
import io.itdr.server.api.AutomationController;
import io.itdr.server.api.CasesController;
import io.itdr.server.api.ConnectorsController;
import io.itdr.server.api.LedgerController;
import io.itdr.server.api.PolicyDryRun;
import io.itdr.server.query.ActionQueries;
import io.itdr.server.query.CaseQueries;
import io.itdr.server.query.EventQueries;
import io.itdr.server.query.LedgerQueries;
import io.itdr.server.response.PolicyActivation;
import io.itdr.server.security.Caller;
import io.itdr.server.security.Role;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.event.IdentityEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The web console's pages, rendered on the server (Thymeleaf escapes every value). Each page reads and each form acts
 * through what the REST API uses: its controllers (same validation, same finer role checks, same messages) and the
 * services behind them, so the ledger records a console action with the signed-in person as actor, exactly as if that
 * person had called the API. Action ids carry '/', so they travel as a query parameter or a form field. Thread-safe.
 */
@Controller
@ConditionalOnConsole
@RequestMapping("/console")
public class ConsoleController {
    private static final int LIST = 50;
    private static final int TIMELINE = 200;
    private static final int EVENT_SCAN = 2000;

    private final ConsoleRegistration registration;
    private final ConsoleProperties settings;
    private final ActionsController actionsApi;
    private final ApprovalsController approvalsApi;
    private final AutomationController automationApi;
    private final CasesController casesApi;
    private final ConnectorsController connectorsApi;
    private final LedgerController ledgerApi;
    private final ActionQueries actions;
    private final CaseQueries cases;
    private final EventQueries events;
    private final LedgerQueries ledger;
    private final ObjectProvider<LedgerCheckpoints> checkpoints;
    private final PolicyActivation policies;
    private final PolicyDryRun dryRun;
    private final IdentityCatalog catalog;

    public ConsoleController(ConsoleRegistration registration, ConsoleProperties settings, ActionsController actionsApi,
                             ApprovalsController approvalsApi, AutomationController automationApi, CasesController casesApi,
                             ConnectorsController connectorsApi, LedgerController ledgerApi, ActionQueries actions, CaseQueries cases,
                             EventQueries events, LedgerQueries ledger, ObjectProvider<LedgerCheckpoints> checkpoints,
                             PolicyActivation policies, PolicyDryRun dryRun, IdentityCatalog catalog) {
        this.registration = registration;
        this.settings = settings;
        this.actionsApi = actionsApi;
        this.approvalsApi = approvalsApi;
        this.automationApi = automationApi;
        this.casesApi = casesApi;
        this.connectorsApi = connectorsApi;
        this.ledgerApi = ledgerApi;
        this.actions = actions;
        this.cases = cases;
        this.events = events;
        this.ledger = ledger;
        this.checkpoints = checkpoints;
        this.policies = policies;
        this.dryRun = dryRun;
        this.catalog = catalog;
    }

    /** Who is signed in, for every page's header: the actor and the roles (never a token). */
    @ModelAttribute("me")
    public Me me(@AuthenticationPrincipal ConsoleUser user) {
        if (user == null) {
            return null;
        }
        Caller caller = user.caller();
        return new Me(caller.actor(), caller.principal(), caller.roles().stream().map(Role::label).sorted().toList(),
                caller.has(Role.RESPONDER), caller.has(Role.APPROVER), caller.has(Role.ADMIN));
    }

    /** The signed-in person as the page header shows them. */
    public record Me(String actor, String principal, List<String> roles, boolean responder, boolean approver, boolean admin) {
    }

    // ---- sign-in ----

    @GetMapping("/login")
    public String login(@RequestParam(required = false) String failed, @RequestParam(name = "signed-out", required = false) String signedOut,
                        Model model) {
        model.addAttribute("issuer", settings.issuerUri().toString());
        model.addAttribute("failed", failed != null);
        model.addAttribute("signedOut", signedOut != null);
        model.addAttribute("problem", registration.problem());
        return "console/login";
    }

    /** Where Spring Security forwards a refused request (a missing role, a missing CSRF token), whatever its method. */
    @RequestMapping("/denied")
    @ResponseStatus(HttpStatus.FORBIDDEN)
    public String denied() {
        return "console/denied";
    }

    // ---- overview and kill switch ----

    @GetMapping
    public String overview(Model model) {
        model.addAttribute("connectors", connectorsApi.connectors());
        AutomationController.Status status = automationApi.status();
        model.addAttribute("automation", status);
        model.addAttribute("budgets", policies.active().policy().budgets());
        model.addAttribute("holds", approvalsApi.approvals(LIST, 0).items());
        model.addAttribute("containments", actions.page(null, null, 200, 0).stream()
                .filter(a -> a.state() != ActionState.HELD && a.state() != ActionState.PLANNED).limit(20).toList());
        model.addAttribute("head", ledger.last().orElse(null));
        model.addAttribute("ledgerSize", ledger.size());
        return "console/overview";
    }

    @PostMapping("/kill-switch")
    public String killSwitch(@RequestParam boolean engaged, @RequestParam(defaultValue = "") String reason,
                             @AuthenticationPrincipal ConsoleUser user, RedirectAttributes flash) {
        try {
            AutomationController.Status status = automationApi.killSwitch(new AutomationController.KillSwitchBody(engaged, reason),
                    user.caller());
            flash.addFlashAttribute("notice", status.killSwitch().engaged()
                    ? "Kill switch engaged: no platform-changing action runs until an admin releases it."
                    : "Kill switch released: automation may act again.");
        } catch (RuntimeException e) {
            flash.addFlashAttribute("error", ConsoleErrors.describe("kill switch", e));
        }
        return "redirect:/console";
    }

    // ---- actions ----

    @GetMapping("/actions")
    public String actionList(@RequestParam(required = false) String state, Model model) {
        ActionState wanted = state == null || state.isBlank() ? null
                : Arrays.stream(ActionState.values()).filter(s -> s.label().equals(state)).findFirst().orElse(null);
        model.addAttribute("states", Arrays.stream(ActionState.values()).map(ActionState::label).toList());
        model.addAttribute("state", wanted == null ? "" : wanted.label());
        model.addAttribute("actions", actions.page(wanted, null, LIST * 2, 0));
        return "console/actions";
    }

    @GetMapping("/action")
    public String action(@RequestParam String id, @AuthenticationPrincipal ConsoleUser user, Model model) {
        ActionsController.ActionDetail detail = actionsApi.action(id);
        ActionRecord record = detail.action();
        ActionPlan plan = record.plan();
        model.addAttribute("detail", detail);
        model.addAttribute("record", record);
        model.addAttribute("plan", plan);
        model.addAttribute("stateRows", stateRows(plan));
        model.addAttribute("link", link(id));
        Optional<CatalogEntry> entry = catalog.match(record.platform(), plan.request().target().identity().id());
        model.addAttribute("blast", entry.orElse(null));
        Decision decision = cases.decision(record.decisionId()).orElse(null);
        model.addAttribute("decision", decision);
        boolean ownRequest = Actors.principal(record.requester()).equals(user.caller().principal());
        model.addAttribute("ownRequest", ownRequest);
        model.addAttribute("requesterPrincipal", Actors.principal(record.requester()));
        model.addAttribute("held", record.state() == ActionState.HELD);
        model.addAttribute("canRollBack", record.state() == ActionState.VERIFIED || record.state() == ActionState.EXECUTED
                || record.state() == ActionState.UNKNOWN || record.state() == ActionState.PARTIAL);
        model.addAttribute("driftRefusals", detail.ledger().stream().filter(e -> e.kind().equals("action.rollback_refused")).toList());
        return "console/action";
    }

    @PostMapping("/action/approve")
    public String approve(@RequestParam String id, @RequestParam(defaultValue = "") String planDigest, @RequestParam(defaultValue = "") String reason,
                          @AuthenticationPrincipal ConsoleUser user, RedirectAttributes flash) {
        try {
            ActionRecord result = approvalsApi.approve(id, new ApprovalsController.ApproveBody(reason, planDigest), user.caller());
            flash.addFlashAttribute("notice", "Approved; the action is now " + result.state().label() + ".");
        } catch (RuntimeException e) {
            flash.addFlashAttribute("error", ConsoleErrors.describe("approval", e));
        }
        return "redirect:" + link(id);
    }

    @PostMapping("/action/reject")
    public String reject(@RequestParam String id, @RequestParam(defaultValue = "") String reason, @AuthenticationPrincipal ConsoleUser user,
                         RedirectAttributes flash) {
        try {
            approvalsApi.reject(id, new ApprovalsController.RejectBody(reason), user.caller());
            flash.addFlashAttribute("notice", "Rejected; the action will not run.");
        } catch (RuntimeException e) {
            flash.addFlashAttribute("error", ConsoleErrors.describe("rejection", e));
        }
        return "redirect:" + link(id);
    }

    @PostMapping("/action/rollback")
    public String rollback(@RequestParam String id, @RequestParam(defaultValue = "") String reason,
                           @RequestParam(defaultValue = "false") boolean force, @AuthenticationPrincipal ConsoleUser user,
                           RedirectAttributes flash) {
        try {
            ActionRecord result = actionsApi.rollback(id, new ActionsController.RollbackBody(reason, force), user.caller());
            flash.addFlashAttribute("notice", "Rolled back" + (force ? " (forced)" : "") + "; the action is now " + result.state().label() + ".");
        } catch (RuntimeException e) {
            flash.addFlashAttribute("error", ConsoleErrors.describe("rollback", e));
        }
        return "redirect:" + link(id);
    }

    // ---- incidents ----

    @GetMapping("/incidents")
    public String incidents(Model model) {
        model.addAttribute("incidents", casesApi.incidents(LIST, 0).items());
        return "console/incidents";
    }

    @GetMapping("/incident")
    public String incident(@RequestParam String id, Model model) {
        CasesController.IncidentDetail detail = casesApi.incident(id);
        model.addAttribute("detail", detail);
        java.util.Set<String> wanted = new java.util.HashSet<>();
        detail.findings().forEach(f -> wanted.addAll(f.evidenceEventIds()));
        model.addAttribute("evidence", evidence(detail.incident().identityKey(), wanted));
        model.addAttribute("timeline", newestFirst(ledger.forIdentity(detail.incident().identityKey(), TIMELINE)));
        return "console/incident";
    }

    /** The stored events among the latest that a finding cites, by event id (events kept as digests only show no details). */
    private Map<String, IdentityEvent> evidence(String identityKey, java.util.Set<String> ids) {
        Map<String, IdentityEvent> found = new LinkedHashMap<>();
        if (!events.keepsBodies() || ids.isEmpty()) {
            return found;
        }
        for (EventQueries.EventRow row : events.latest(EVENT_SCAN, 0)) {
            if (row.json() != null && identityKey.equals(row.identityKey()) && ids.contains(row.eventId())) {
                found.put(row.eventId(), EventJson.read(row.json()));
            }
        }
        return found;
    }

    // ---- ledger ----

    @GetMapping("/ledger")
    public String ledger(@RequestParam(required = false) Long from, @RequestParam(defaultValue = "false") boolean verify, Model model) {
        long size = ledger.size();
        long start = from == null ? Math.max(1, size - LIST + 1) : Math.max(1, from);
        LedgerController.Entries page = ledgerApi.entries(start, LIST);
        model.addAttribute("entries", newestFirst(page.entries()));
        model.addAttribute("from", start);
        model.addAttribute("previous", start > 1 ? Math.max(1, start - LIST) : null);
        model.addAttribute("next", page.next());
        model.addAttribute("size", size);
        model.addAttribute("head", ledger.last().orElse(null));
        LedgerCheckpoints kept = checkpoints.getIfAvailable();
        model.addAttribute("checkpoints", kept == null ? null : kept.read());
        model.addAttribute("report", verify ? ledgerApi.verify() : null);
        return "console/ledger";
    }

    // ---- policy ----

    @GetMapping("/policy")
    public String policy(Model model) {
        policyModel(model, null);
        return "console/policy";
    }

    @PostMapping("/policy/validate")
    public String validatePolicy(@RequestParam(defaultValue = "") String candidate, Model model) {
        policyModel(model, candidate);
        try {
            Policy parsed = PolicyLoader.parse(candidate.getBytes(StandardCharsets.UTF_8), "candidate", policies.limits());
            model.addAttribute("notice", "Valid: " + parsed.ref().name() + " version " + parsed.ref().version() + ", mode "
                    + parsed.mode().policyName() + ", " + parsed.rules().size() + " rule(s).");
        } catch (RuntimeException e) {
            model.addAttribute("error", ConsoleErrors.describe("policy validation", e));
        }
        return "console/policy";
    }

    @PostMapping("/policy/dry-run")
    public String dryRunPolicy(@RequestParam(defaultValue = "") String candidate, @RequestParam(defaultValue = "" + PolicyDryRun.DEFAULT_EVENTS) int events,
                               Model model) {
        policyModel(model, candidate);
        try {
            Policy parsed = PolicyLoader.parse(candidate.getBytes(StandardCharsets.UTF_8), "candidate", policies.limits());
            model.addAttribute("dryRun", dryRun.run(parsed, policies.active().policy(), events));
        } catch (RuntimeException e) {
            model.addAttribute("error", ConsoleErrors.describe("policy dry-run", e));
        }
        return "console/policy";
    }

    @PostMapping("/policy/activate")
    public String activatePolicy(@RequestParam(defaultValue = "") String candidate, @RequestParam(defaultValue = "") String reason,
                                 @RequestParam(defaultValue = "") String expectedActiveHash, @AuthenticationPrincipal ConsoleUser user,
                                 Model model, RedirectAttributes flash) {
        try {
            if (reason.isBlank()) {
                throw io.itdr.server.api.ApiProblem.badInput("reason", "is required: say why this policy should run");
            }
            PolicyActivation.Active active = policies.activate(candidate, user.caller().actor(), reason.strip(),
                    expectedActiveHash.isBlank() ? null : expectedActiveHash.strip());
            flash.addFlashAttribute("notice", "Activated: " + active.policy().ref().name() + " version " + active.policy().ref().version()
                    + " is in force (stored as version " + active.version() + ").");
            return "redirect:/console/policy";
        } catch (RuntimeException e) {
            policyModel(model, candidate);
            model.addAttribute("error", ConsoleErrors.describe("policy activation", e));
            return "console/policy";
        }
    }

    private void policyModel(Model model, String candidate) {
        PolicyActivation.Active active = policies.active();
        model.addAttribute("active", active);
        model.addAttribute("versions", policies.history(20));
        model.addAttribute("candidate", candidate == null ? active.text() : candidate);
    }

    // ---- helpers ----

    /** One state key with its value before and after the plan, and whether the plan changes it. */
    public record StateRow(String key, String before, String after, boolean changed) {
    }

    static List<StateRow> stateRows(ActionPlan plan) {
        TreeSet<String> keys = new TreeSet<>(plan.preState().state().keySet());
        keys.addAll(plan.postState().state().keySet());
        List<StateRow> rows = new ArrayList<>();
        for (String key : keys) {
            String before = plan.preState().state().get(key);
            String after = plan.postState().state().get(key);
            rows.add(new StateRow(key, before == null ? "(absent)" : before, after == null ? "(absent)" : after,
                    !java.util.Objects.equals(before, after)));
        }
        return rows;
    }

    /** The console page of an action (the id, which holds '/', as a query parameter). */
    public static String link(String actionId) {
        return UriComponentsBuilder.fromPath("/console/action").queryParam("id", "{id}").encode().buildAndExpand(actionId).toUriString();
    }

    private static <T> List<T> newestFirst(List<T> oldestFirst) {
        List<T> copy = new ArrayList<>(oldestFirst);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
