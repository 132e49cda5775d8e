package io.itdr.server.api;

import io.itdr.core.decide.policy.Policy;
import io.itdr.core.model.Decision;
import io.itdr.core.normalize.Printable;
import io.itdr.core.pipeline.Pipeline;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.normalize.EventJson;
import io.itdr.core.normalize.NormalizedEventNormalizer;
import io.itdr.core.replay.ReplayOptions;
import io.itdr.core.replay.ReplayReport;
import io.itdr.core.replay.ReplayRunner;
import io.itdr.core.rules.sigma.SigmaDetector;
import io.itdr.core.rules.sigma.SigmaRules;
import io.itdr.server.query.EventQueries;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.Rejection;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Runs the latest stored events through a candidate policy in shadow mode, with the server's
 * identity catalog and rule sets, and reports what it would have done ({@link ReplayReport#toMap()}): the
 * events are written, in event-time order, to a temporary file of itdr's normalized JSONL and
 * replayed by {@link ReplayRunner}, which never acts, each with the raw platform record stored
 * beside it (so the server's rule sets match it as they did live); the active policy is replayed over the same
 * file, and the two are compared decision by decision. One dry-run at a time (429 otherwise): it
 * holds up to {@value #MAX_EVENTS} events in memory. Thread-safe.
 */
@Component
public class PolicyDryRun {
    public static final int DEFAULT_EVENTS = 10_000;
    public static final int MAX_EVENTS = 100_000;
    private static final int PAGE = 1000;

    private final EventQueries events;
    private final IdentityCatalog catalog;
    private final SigmaRules rules;
    private final Semaphore running = new Semaphore(1);

    public PolicyDryRun(EventQueries events, IdentityCatalog catalog, SigmaRules rules) {
        this.events = events;
        this.catalog = catalog;
        this.rules = rules;
    }

    /** A stored event and its raw record (null when none is kept). */
    private record Stored(IdentityEvent event, String record) {
    }

    /** Changed decisions listed in a dry-run's diff; the counts cover all of them. */
    public static final int MAX_CHANGES_LISTED = 500;

    /**
     * @param events how many of the latest stored events to replay, 1 to {@value #MAX_EVENTS}
     * @throws ApiProblem 409 when the server keeps event digests only, 429 when a dry-run is running
     */
    public Map<String, Object> run(Policy policy, int events) {
        return run(policy, null, events);
    }

    /**
     * Replays the latest stored events through {@code policy} and, when {@code active} is given,
     * through it too, and compares their decisions finding by finding: {@code diff} holds counts by
     * kind of change ({@code rung}, {@code rule}, {@code guardrails}, {@code mode}, {@code added}
     * for findings only the candidate's decisions saw, {@code removed} for the reverse) and the
     * changed decisions (at most {@value #MAX_CHANGES_LISTED}); {@code evaluationErrors} lists the
     * candidate's conditions that failed to evaluate (a CEL limit, a runtime error).
     *
     * @param active the policy in force; null for no comparison
     */
    public Map<String, Object> run(Policy policy, Policy active, int events) {
        if (events < 1 || events > MAX_EVENTS) {
            throw ApiProblem.badInput("limit", "must be between 1 and " + MAX_EVENTS + ", not " + events);
        }
        if (!this.events.keepsBodies()) {
            throw ApiProblem.conflict("events-not-retained", "the server keeps only digests of events "
                    + "(itdr.events.retention=digest); a dry-run needs their bodies (retention full)");
        }
        if (!running.tryAcquire()) {
            throw new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "dry-run-busy", "another policy dry-run is running; try again when it ends",
                    Map.of());
        }
        try {
            List<Stored> stored = latest(events);
            Path file = Files.createTempFile("itdr-dry-run-", ".jsonl");
            try {
                write(file, stored);
                EventNormalizer normalizer = withRecords(stored);
                Map<String, Decided> candidate = new LinkedHashMap<>();
                ReplayReport report = new ReplayRunner(options(policy))
                        .onOutcome(outcome -> candidate.put(outcome.finding().id(), Decided.of(policy, outcome)))
                        .run("stored", normalizer, List.of(file));
                Map<String, Object> result = new LinkedHashMap<>(report.toMap());
                result.put("source", "stored events (latest " + stored.size() + ")");
                result.put("evaluationErrors", report.evaluationErrors());
                if (active != null) {
                    Map<String, Decided> current = new LinkedHashMap<>();
                    new ReplayRunner(options(active))
                            .onOutcome(outcome -> current.put(outcome.finding().id(), Decided.of(active, outcome)))
                            .run("stored", normalizer, List.of(file));
                    result.put("diff", diff(active, current, candidate));
                }
                return result;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the dry-run's temporary event file failed", e);
        } finally {
            running.release();
        }
    }

    /** Shadow replay of {@code policy} with the server's catalog and, when it has any, its rule sets (as its engine runs them). */
    private ReplayOptions options(Policy policy) {
        ReplayOptions options = ReplayOptions.of(policy, catalog, null, null);
        return rules.rules().isEmpty() && rules.correlations().isEmpty() ? options
                : options.withDetectors(List.of(SigmaDetector.of(rules)));
    }

    /**
     * Reads the dry-run's file of normalized events and hands each on with the raw record stored
     * with it: the file holds each event once, in the order of {@code stored}, so records are
     * matched by the event's position among the file's events.
     */
    private static EventNormalizer withRecords(List<Stored> stored) {
        NormalizedEventNormalizer lines = new NormalizedEventNormalizer();
        return (payload, sink) -> {
            int[] next = {0};
            lines.normalize(payload, new NormalizationSink() {
                @Override
                public void accept(IdentityEvent event) {
                    accept(event, null);
                }

                @Override
                public void accept(IdentityEvent event, String location) {
                    int i = next[0]++;
                    String record = i < stored.size() && stored.get(i).event().id().equals(event.id()) ? stored.get(i).record() : null;
                    sink.accept(event, location, record);
                }

                @Override
                public void reject(Rejection rejection) {
                    next[0]++;
                    sink.reject(rejection);
                }
            });
        };
    }

    /** What one decision came to, for comparison. */
    private record Decided(String identity, String detector, String rule, String rung, String intended, boolean hold,
                           List<String> guardrails, String mode) {
        /** The mode is the one the policy gives the decision live (a dry-run records every decision in shadow). */
        static Decided of(Policy policy, Pipeline.Outcome outcome) {
            Decision d = outcome.decision();
            String mode = (d.ruleId() == null ? policy.mode()
                    : policy.rule(d.ruleId()).map(r -> r.effectiveMode(policy.mode())).orElse(policy.mode())).policyName();
            return new Decided(Printable.escape(outcome.finding().identityKey()), outcome.finding().detector(), d.ruleId(),
                    d.outcomeLabel(), d.intendedRung().policyName(), d.hold(), d.guardrails().stream().sorted().toList(),
                    mode);
        }

        Map<String, Object> view() {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("rule", rule);
            v.put("rung", rung);
            v.put("intendedRung", intended);
            v.put("hold", hold);
            v.put("guardrails", guardrails);
            v.put("mode", mode);
            return v;
        }
    }

    /** Decision by decision, what the candidate changes from the active policy over the same events. */
    private static Map<String, Object> diff(Policy active, Map<String, Decided> current, Map<String, Decided> candidate) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String kind : List.of("rung", "rule", "guardrails", "mode", "added", "removed")) {
            counts.put(kind, 0L);
        }
        List<Map<String, Object>> changes = new ArrayList<>();
        long changed = 0;
        long unchanged = 0;
        java.util.Set<String> findings = new java.util.LinkedHashSet<>(current.keySet());
        findings.addAll(candidate.keySet());
        for (String finding : findings) {
            Decided before = current.get(finding);
            Decided after = candidate.get(finding);
            List<String> kinds = new ArrayList<>();
            if (before == null) {
                kinds.add("added");
            } else if (after == null) {
                kinds.add("removed");
            } else {
                if (!before.rung().equals(after.rung()) || !before.intended().equals(after.intended())) {
                    kinds.add("rung");
                }
                if (!java.util.Objects.equals(before.rule(), after.rule())) {
                    kinds.add("rule");
                }
                if (!before.guardrails().equals(after.guardrails())) {
                    kinds.add("guardrails");
                }
                if (!before.mode().equals(after.mode())) {
                    kinds.add("mode");
                }
            }
            if (kinds.isEmpty()) {
                unchanged++;
                continue;
            }
            changed++;
            kinds.forEach(k -> counts.merge(k, 1L, Long::sum));
            if (changes.size() < MAX_CHANGES_LISTED) {
                Decided any = after != null ? after : before;
                Map<String, Object> change = new LinkedHashMap<>();
                change.put("finding", Printable.escape(finding));
                change.put("identity", any.identity());
                change.put("detector", any.detector());
                change.put("changes", kinds);
                change.put("active", before == null ? null : before.view());
                change.put("candidate", after == null ? null : after.view());
                changes.add(change);
            }
        }
        Map<String, Object> diff = new LinkedHashMap<>();
        diff.put("against", Map.of("name", active.ref().name(), "version", active.ref().version(), "sha256", active.ref().sha256()));
        diff.put("compared", findings.size());
        diff.put("unchanged", unchanged);
        diff.put("changed", changed);
        diff.put("byKind", counts);
        diff.put("changesListed", changes.size());
        diff.put("changes", changes);
        return diff;
    }

    /** The latest {@code count} stored events with their raw records, oldest event time first (the replay's reorder window then never bites). */
    private List<Stored> latest(int count) {
        List<Stored> events = new ArrayList<>();
        for (long offset = 0; events.size() < count; offset += PAGE) {
            List<EventQueries.EventRow> page = this.events.latest(Math.min(PAGE, count - events.size()), offset, true);
            page.stream().filter(row -> row.json() != null).forEach(row -> events.add(new Stored(EventJson.read(row.json()), row.record())));
            if (page.size() < PAGE) {
                break;
            }
        }
        events.sort(Comparator.comparing(s -> s.event().time()));
        return events;
    }

    private static void write(Path file, List<Stored> events) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Stored stored : events) {
                out.write(EventJson.write(stored.event()));
                out.write('\n');
            }
        }
    }
}
