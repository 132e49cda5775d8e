package io.itdr.core.replay;

import io.itdr.core.audit.Ledger;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.core.model.PolicyRef;
import io.itdr.core.normalize.EventJson;
import io.itdr.core.normalize.Printable;
import io.itdr.core.pipeline.Pipeline;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Rejection;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a replay found, for people ({@link #toText()}) and machines ({@link #toJson()}). Keys of
 * the JSON form: {@code source, events{read,accepted,rejected,duplicates}, rejections[{file,record,
 * line,event_id,reason}]} (the first N; {@code record} is the record's number in its file, {@code line}
 * its line, {@code event_id} its id when the normalizer could read it; each may be null), {@code findings{detector:n}, decisions{rung|hold:n}, guardrails{id:n},
 * actions[{identity,rung,intended_rung,hold,rule,detector,confidence,reasons,mode}]} (the first N
 * with a rung or an intended rung above observe, or a hold; {@code actions_total} counts all), {@code policy{name,
 * version,sha256}}, {@code ledger{entries,file,head}} and, with labels, {@code evaluation}.
 *
 * <p>Every string that came from input is escaped ({@link Printable}) before it is printed, so
 * input cannot forge report lines. Not thread-safe.
 */
public final class ReplayReport {
    private static final int TEXT_ACTIONS = 25;
    /** A connector's "file:record 3, line 1" with ", id X" when the record's id was readable. */
    private static final Pattern RECORD = Pattern.compile("(.*):record (\\d{1,18}), line (\\d{1,18})(?:, id (.*))?", Pattern.DOTALL);
    /** The normalized format's "file:12" (a line). */
    private static final Pattern LINE = Pattern.compile("(.*):(?:line )?(\\d{1,18})", Pattern.DOTALL);
    /** Unlike events, the report keeps nulls: an undefined recall or an unnumbered rejection says so. */
    private static final ObjectWriter REPORT_WRITER = EventJson.mapper().copy()
            .setSerializationInclusion(JsonInclude.Include.ALWAYS)
            .writerWithDefaultPrettyPrinter();

    private final ReplayOptions options;
    private final String source;
    private final Evaluation evaluation;
    private long accepted;
    private long rejected;
    private long duplicates;
    private final List<Map<String, Object>> rejections = new ArrayList<>();
    private final Map<String, Long> findings = new TreeMap<>();
    private final Map<String, Long> decisions = new TreeMap<>();
    private final Map<String, Long> guardrails = new TreeMap<>();
    private final List<Map<String, Object>> actions = new ArrayList<>();
    private long actionsTotal;
    private long ledgerEntries;
    private String ledgerHead;

    ReplayReport(ReplayOptions options, String source) {
        this.options = options;
        this.source = source;
        this.evaluation = options.labels() == null ? null : new Evaluation(options.labels());
    }

    void onAccepted(IdentityEvent event) {
        accepted++;
    }

    void onRejected(Rejection rejection) {
        rejected++;
        if (rejections.size() < options.maxRejectionsListed()) {
            Map<String, Object> r = new LinkedHashMap<>();
            String location = Printable.escape(rejection.location());
            // A record inside one JSON document is on line 1 with all the others: its number and id say which.
            Matcher record = RECORD.matcher(location);
            Matcher line = LINE.matcher(location);
            if (record.matches()) {
                r.put("file", record.group(1));
                r.put("record", Long.valueOf(record.group(2)));
                r.put("line", Long.valueOf(record.group(3)));
                r.put("event_id", record.group(4));
            } else if (line.matches()) {
                r.put("file", line.group(1));
                r.put("record", null);
                r.put("line", Long.valueOf(line.group(2)));
                r.put("event_id", null);
            } else {
                r.put("file", location);
                r.put("record", null);
                r.put("line", null);
                r.put("event_id", null);
            }
            r.put("reason", Printable.escape(rejection.reason()));
            rejections.add(r);
        }
    }

    private Map<String, Long> evaluationErrors = Map.of();

    /** Events dropped as copies of an event already replayed (same source and id). */
    void onDuplicates(long count) {
        duplicates += count;
    }

    void onOutcome(Pipeline.Outcome outcome) {
        Finding f = outcome.finding();
        Decision d = outcome.decision();
        findings.merge(f.detector(), 1L, Long::sum);
        decisions.merge(d.outcomeLabel(), 1L, Long::sum);
        for (String g : d.guardrails()) {
            guardrails.merge(g, 1L, Long::sum);
        }
        if (evaluation != null) {
            evaluation.onFinding(f);
            evaluation.onDecision(d, f);
        }
        // a decision lowered to observe because its incident already contained the target is listed too
        if (d.hold() || d.rung() != Rung.OBSERVE || d.intendedRung() != Rung.OBSERVE) {
            actionsTotal++;
            if (actions.size() < options.maxActionsListed()) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("identity", Printable.escape(f.identityKey()));
                a.put("rung", d.outcomeLabel());
                a.put("rung_now", d.rung().policyName());
                a.put("intended_rung", d.intendedRung().policyName());
                a.put("hold", d.hold());
                a.put("rule", d.ruleId());
                a.put("detector", f.detector());
                a.put("confidence", f.confidence());
                a.put("time", d.time().toString());
                a.put("reasons", d.reasons().stream().map(Printable::escape).toList());
                a.put("mode", d.mode().policyName());
                actions.add(a);
            }
        }
    }

    /** Conditions that failed to evaluate during the replay, by {@code rule:<id>} / {@code guardrail:<id>}. */
    void onEvaluationErrors(Map<String, Long> errors) {
        evaluationErrors = Map.copyOf(errors);
    }

    /** Conditions that failed to evaluate (CEL limits, runtime errors), by {@code rule:<id>} / {@code guardrail:<id>}; never null. */
    public Map<String, Long> evaluationErrors() {
        return new java.util.TreeMap<>(evaluationErrors);
    }

    void onLedger(Ledger ledger, Path file) {
        ledgerEntries = ledger.size();
        ledgerHead = ledger.last().map(e -> e.hash()).orElse(null);
    }

    /** Records read: accepted, rejected or dropped as duplicates. */
    public long read() {
        return accepted + rejected + duplicates;
    }

    public long duplicates() {
        return duplicates;
    }

    public long accepted() {
        return accepted;
    }

    public long rejected() {
        return rejected;
    }

    public Map<String, Long> findings() {
        return findings;
    }

    public Map<String, Long> decisions() {
        return decisions;
    }

    public Map<String, Long> guardrails() {
        return guardrails;
    }

    public List<Map<String, Object>> rejections() {
        return rejections;
    }

    public List<Map<String, Object>> actions() {
        return actions;
    }

    /** The evaluation section; null without labels. */
    public Map<String, Object> evaluation() {
        return evaluation == null ? null : evaluation.toReport();
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("events", Map.of("read", read(), "accepted", accepted, "rejected", rejected, "duplicates", duplicates));
        m.put("rejections", rejections);
        m.put("findings", findings);
        m.put("decisions", decisions);
        m.put("guardrails", guardrails);
        m.put("actions_total", actionsTotal);
        m.put("actions", actions);
        if (!evaluationErrors.isEmpty()) {
            // a rule that failed is not a silent "no match": say which, and how often
            m.put("evaluation_errors", evaluationErrors());
        }
        PolicyRef p = options.policy().ref();
        m.put("policy", Map.of("name", p.name(), "version", p.version(), "sha256", p.sha256()));
        Map<String, Object> ledger = new LinkedHashMap<>();
        ledger.put("entries", ledgerEntries);
        ledger.put("file", options.ledgerFile() == null ? null : options.ledgerFile().toString());
        ledger.put("head", ledgerHead);
        m.put("ledger", ledger);
        if (evaluation != null) {
            m.put("evaluation", evaluation.toReport());
        }
        return m;
    }

    public String toJson() {
        try {
            return REPORT_WRITER.writeValueAsString(toMap());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "file:record 3, id X" (the line only when it tells more than the record), or "file:12". */
    private static String where(Map<String, Object> r) {
        StringBuilder w = new StringBuilder(String.valueOf(r.get("file")));
        if (r.get("record") != null) {
            w.append(":record ").append(r.get("record"));
            if ((Long) r.get("line") > 1) {
                w.append(", line ").append(r.get("line"));
            }
        } else if (r.get("line") != null) {
            w.append(':').append(r.get("line"));
        }
        if (r.get("event_id") != null) {
            w.append(", id ").append(r.get("event_id"));
        }
        return w.toString();
    }

    /** A summary for people; every input-derived string is escaped. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        PolicyRef p = options.policy().ref();
        b.append(String.format("itdr replay — policy %s %s (sha256 %s…), shadow mode, source %s%n", Printable.escape(p.name()),
                Printable.escape(p.version()), p.sha256().substring(0, 12), source));
        b.append(String.format("%nEvents: %,d read, %,d accepted, %,d rejected%s%n", read(), accepted, rejected,
                duplicates == 0 ? "" : String.format(", %,d duplicates dropped", duplicates)));
        for (Map<String, Object> r : rejections.subList(0, Math.min(10, rejections.size()))) {
            b.append(String.format("  rejected %s: %s%n", where(r), r.get("reason")));
        }
        if (rejected > 10) {
            b.append(String.format("  … %,d more (see --format json for the first %d)%n", rejected - 10, options.maxRejectionsListed()));
        }
        b.append(String.format("%nFindings by detector:%n"));
        findings.forEach((k, v) -> b.append(String.format("  %-28s %,8d%n", k, v)));
        b.append(String.format("%nDecisions (what would run now; hold = waits for a human):%n"));
        decisions.forEach((k, v) -> b.append(String.format("  %-28s %,8d%n", k, v)));
        b.append(String.format("%nGuardrails that lowered a decision:%n"));
        if (guardrails.isEmpty()) {
            b.append("  (none)\n");
        }
        guardrails.forEach((k, v) -> b.append(String.format("  %-28s %,8d%n", k, v)));
        // People read the disruptive and held decisions first; notify/monitor are only counted here.
        List<Map<String, Object>> serious = actions.stream()
                .filter(a -> Boolean.TRUE.equals(a.get("hold")) || Rung.fromPolicyName((String) a.get("rung_now")).isDisruptive())
                .toList();
        b.append(String.format("%nDisruptive or held decisions (%,d of %,d listed; notify/monitor only counted above):%n",
                Math.min(TEXT_ACTIONS, serious.size()), serious.size()));
        for (Map<String, Object> a : serious.subList(0, Math.min(TEXT_ACTIONS, serious.size()))) {
            b.append(String.format("  %s  %-22s %s%n", a.get("time"), a.get("rung"), a.get("identity")));
            @SuppressWarnings("unchecked")
            List<String> reasons = (List<String>) a.get("reasons");
            for (String reason : reasons) {
                b.append("      - ").append(reason).append('\n');
            }
        }
        if (evaluation != null) {
            Map<String, Object> e = evaluation.toReport();
            b.append(String.format("%nEvaluation against labels (%d malicious events):%n", options.labels().maliciousCount()));
            b.append(String.format("  %-28s %6s %6s %6s %10s %8s%n", "detector", "tp", "fp", "fn", "precision", "recall"));
            e.forEach((k, v) -> {
                if (v instanceof Map<?, ?> s && s.containsKey("tp")) {
                    b.append(String.format("  %-28s %6s %6s %6s %10s %8s%n", k, s.get("tp"), s.get("fp"), s.get("fn"),
                            s.get("precision") == null ? "-" : s.get("precision"), s.get("recall") == null ? "-" : s.get("recall")));
                }
            });
            b.append("  attack families (malicious events detected):\n");
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> families = (Map<String, Map<String, Object>>) e.get("families");
            families.forEach((k, v) -> b.append(String.format("    %-26s %s/%s%n", Printable.escape(k), v.get("detected"), v.get("malicious_events"))));
            b.append(String.format("  disruptive actions on benign identities: %s%n", e.get("disruptive_on_benign")));
        }
        b.append(String.format("%nLedger: %,d entries%s%n", ledgerEntries,
                options.ledgerFile() == null ? " (in memory; --ledger FILE keeps them)" : " in " + Printable.escape(options.ledgerFile().toString())));
        return b.toString();
    }
}
