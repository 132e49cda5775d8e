package io.itdr.server.notify;

import io.itdr.core.act.ActionState;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.normalize.Printable;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the ledger as it is written and says which entries a person must hear about ({@link #notice}) and which deserve
 * a line in the server's log ({@link #logLine}). The ledger is the one record of what happened, so both follow it rather
 * than each engine component announcing itself.
 */
public final class Notices {
    /** What the policy engine writes into a decision's reasons when a budget's breaker trips (PolicyEngine). */
    static final String BREAKER_TRIPS = ", breaker trips";

    private final URI linkBase;
    private final boolean console;

    /** @param linkBase where the server is reached; null for messages without links */
    public Notices(URI linkBase) {
        this(linkBase, false);
    }

    /**
     * @param linkBase where the server is reached; null for messages without links
     * @param console  whether the web console is enabled: links then open its pages (where people approve, signed in)
     *                 rather than the API's
     */
    public Notices(URI linkBase, boolean console) {
        this.linkBase = linkBase;
        this.console = console;
    }

    /** The notice for this entry, if a person must be told. */
    public Optional<Notice> notice(LedgerEntry e) {
        Map<String, String> ev = e.evidence();
        String action = ev.get("action.id");
        String rung = ev.getOrDefault("plan.rung", "action");
        String subject = Printable.escape(e.identityKey() == null ? "" : e.identityKey());
        if (e.kind().equals(ActionState.HELD.ledgerKind())) {
            return Optional.of(notice("action_held", "Held for approval: " + rung + " on " + subject, e, action));
        }
        if (e.kind().equals(ActionState.FAILED.ledgerKind()) || e.kind().equals(ActionState.UNKNOWN.ledgerKind())) {
            String how = e.kind().equals(ActionState.FAILED.ledgerKind()) ? "failed" : "ended with an unknown outcome";
            return Optional.of(notice("containment_failed", "Containment " + how + ": " + rung + " on " + subject, e, action));
        }
        if (e.kind().equals(ActionState.PARTIAL.ledgerKind())) {
            // part of the containment is in force, part is not: a person completes it or rolls the steps done back
            return Optional.of(notice("containment_partial", "Containment partially done: " + rung + " on " + subject, e, action));
        }
        if (e.kind().equals(LedgerKinds.ACTION_ROLLBACK_REFUSED) && e.result().startsWith("refused: drift")) {
            return Optional.of(notice("rollback_blocked", "Rollback blocked by drift: " + rung + " on " + subject, e, action));
        }
        if (e.kind().equals(LedgerKinds.DECISION) && ev.entrySet().stream()
                .anyMatch(r -> r.getKey().startsWith("reason.") && r.getValue().contains(BREAKER_TRIPS))) {
            String reason = ev.entrySet().stream().filter(r -> r.getKey().startsWith("reason.") && r.getValue().contains(BREAKER_TRIPS))
                    .map(Map.Entry::getValue).findFirst().orElse("");
            return Optional.of(new Notice("breaker_tripped", "Budget breaker tripped while deciding on " + subject,
                    Printable.escape(reason) + "; automation under that budget holds until an approver resets it", subject, null,
                    link(console ? "/console" : "/api/v1/automation"), e.seq(), e.time()));
        }
        return Optional.empty();
    }

    private Notice notice(String kind, String title, LedgerEntry e, String actionId) {
        return new Notice(kind, title, Printable.escape(e.result()), Printable.escape(e.identityKey() == null ? "" : e.identityKey()),
                actionId, actionId == null ? null : link(console
                ? "/console/action?id=" + java.net.URLEncoder.encode(actionId, java.nio.charset.StandardCharsets.UTF_8)
                : "/api/v1/actions/" + actionId), e.seq(), e.time());
    }

    private String link(String path) {
        if (linkBase == null) {
            return null;
        }
        String base = linkBase.toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }

    /**
     * One line for the server's log, or empty: a decision above notify (or held), a containment carried out, a hold, an
     * approval or rejection, a rollback, a kill-switch change. Everything that reaches the log is escaped.
     */
    public static Optional<String> logLine(LedgerEntry e) {
        Map<String, String> ev = e.evidence();
        String subject = Printable.escape(e.identityKey() == null ? "-" : e.identityKey());
        String action = ev.containsKey("action.id") ? " action " + Printable.escape(ev.get("action.id")) : "";
        String rung = Printable.escape(ev.getOrDefault("plan.rung", ""));
        String what = switch (e.kind()) {
            case LedgerKinds.DECISION -> {
                String now = ev.getOrDefault("rung.now", "observe");
                boolean hold = Boolean.parseBoolean(ev.get("hold"));
                yield hold || !(now.equals("observe") || now.equals("notify"))
                        ? "decision " + Printable.escape(now) + (hold ? " (held)" : "") + " on " + subject + " by rule "
                                + Printable.escape(ev.getOrDefault("rule", "")) : null;
            }
            case LedgerKinds.KILLSWITCH -> "kill switch: " + Printable.escape(e.result()) + " by " + Printable.escape(e.actor());
            case LedgerKinds.ACTION_ROLLBACK_REFUSED, LedgerKinds.ACTION_ROLLBACK_FAILED ->
                    "rollback " + Printable.escape(e.result()) + ":" + action + " " + rung + " on " + subject;
            default -> {
                if (e.kind().equals(ActionState.HELD.ledgerKind())) {
                    yield "held for approval:" + action + " " + rung + " on " + subject;
                }
                if (e.kind().equals(ActionState.EXECUTED.ledgerKind()) || e.kind().equals(ActionState.VERIFIED.ledgerKind())
                        || e.kind().equals(ActionState.FAILED.ledgerKind()) || e.kind().equals(ActionState.UNKNOWN.ledgerKind())
                        || e.kind().equals(ActionState.PARTIAL.ledgerKind())) {
                    yield "containment " + e.kind().substring("action.".length()) + ":" + action + " " + rung + " on " + subject;
                }
                if (e.kind().equals(ActionState.APPROVED.ledgerKind()) || e.kind().equals(ActionState.REJECTED.ledgerKind())) {
                    yield e.kind().substring("action.".length()) + " by " + Printable.escape(e.actor()) + ":" + action + " " + rung
                            + " on " + subject;
                }
                if (e.kind().equals(ActionState.ROLLED_BACK.ledgerKind())) {
                    yield "rolled back by " + Printable.escape(e.actor()) + ":" + action + " " + rung + " on " + subject;
                }
                yield null;
            }
        };
        return Optional.ofNullable(what).map(w -> "ledger " + e.seq() + ": " + w);
    }
}
