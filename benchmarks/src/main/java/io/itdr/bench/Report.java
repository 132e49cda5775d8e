package io.itdr.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns a run's results into the table of BENCHMARKS.md (median, range, ratio to the parse-only
 * limit of the same input, target and verdict) and a CSV of every figure. Ratios are of medians
 * measured in the same run. Not thread-safe.
 */
final class Report {
    static final double SHADOW_TARGET = 0.50;
    static final double DURABLE_TARGET = 0.25;
    static final double HEAP_TARGET_BYTES = 1024;
    static final double P99_TARGET_MS = 250;

    private final Map<String, Result> byId = new LinkedHashMap<>();
    private final boolean quick;

    Report(List<Result> results, boolean quick) {
        results.forEach(r -> byId.put(r.id(), r));
        this.quick = quick;
    }

    /** A JMH run as a result: one sample per measurement iteration, id from its parameters. */
    static Result fromJmh(RunResult run, String idPrefix) {
        BenchmarkParams params = run.getParams();
        StringBuilder id = new StringBuilder(idPrefix);
        for (String key : params.getParamsKeys()) {
            id.append('.').append(key).append(params.getParam(key));
        }
        List<Double> samples = new ArrayList<>();
        for (var benchmark : run.getBenchmarkResults()) {
            for (IterationResult iteration : benchmark.getIterationResults()) {
                samples.add(iteration.getPrimaryResult().getScore());
            }
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("benchmark", params.getBenchmark());
        facts.put("jmh_score", run.getPrimaryResult().getScore());
        facts.put("jmh_error", run.getPrimaryResult().getScoreError());
        facts.put("forks", params.getForks());
        facts.put("warmup", params.getWarmup().getCount() + " × " + params.getWarmup().getTime());
        facts.put("measurement", params.getMeasurement().getCount() + " × " + params.getMeasurement().getTime());
        facts.put("jvm_args", params.getJvmArgs());
        String unit = params.getTimeUnit() == java.util.concurrent.TimeUnit.SECONDS ? "ops/s" : run.getPrimaryResult().getScoreUnit();
        return new Result(id.toString(), params.getBenchmark().replaceAll(".*\\.", "") + " " + params.getParamsKeys().stream()
                .map(k -> k + "=" + params.getParam(k)).toList(), unit, samples, facts);
    }

    private Optional<Result> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    String csv() {
        StringBuilder b = new StringBuilder("id,label,unit,median,min,max,samples\n");
        for (Result r : byId.values()) {
            b.append(r.id()).append(",\"").append(r.label().replace("\"", "'")).append("\",").append(r.unit()).append(',')
                    .append(num(r.median())).append(',').append(num(r.min())).append(',').append(num(r.max())).append(",\"")
                    .append(String.join(" ", r.samples().stream().map(Report::num).toList())).append("\"\n");
        }
        return b.toString();
    }

    String table() {
        StringBuilder b = new StringBuilder();
        if (quick) {
            b.append("(--quick: a smoke run on a small estate with two timed runs; not figures to publish)\n\n");
        }
        b.append("| item | measure | median | range (min – max) | n | ratio to (1) | per CPU second | ratio to (1), CPU | allocated per event | target | met |\n");
        b.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
        Optional<Result> limitNormalized = get("1.parse.normalized.stream");
        Optional<Result> limitTrail = get("1.parse.cloudtrail.stream");
        row(b, "1", "1.parse.normalized.stream", "normalized JSONL: Jackson streaming parse", null, "", null);
        row(b, "1", "1.parse.normalized.tree", "normalized JSONL: Jackson tree parse", limitNormalized, "", null);
        row(b, "1", "1.parse.cloudtrail.stream", "CloudTrail records: Jackson streaming parse", null, "", null);
        row(b, "1", "1.parse.cloudtrail.tree", "CloudTrail records: Jackson tree parse", limitTrail, "", null);
        row(b, "2", "2.normalize.cloudtrail", "CloudTrail record → IdentityEvent", limitTrail, "", null);
        row(b, "2", "2.normalize.normalized", "normalized line → IdentityEvent", limitNormalized, "", null);
        for (Result r : byId.values()) {
            if (r.id().startsWith("3.detect.replicas")) {
                row(b, "3", r.id(), "detector updates/s, " + trackedLabel(r), null, "", null);
            }
        }
        row(b, "3", "3.detect.copy.replicas1", "(the per-operation event copy alone)", null, "", null);
        for (Result r : byId.values()) {
            if (r.id().startsWith("3.heap.")) {
                row(b, "3", r.id(), "heap per tracked identity, " + String.format(Locale.ROOT, "%,d",
                        ((Number) r.facts().get("tracked_identities")).longValue()) + " tracked, after GC", null,
                        "≤ 1,024 B", r.median() <= HEAP_TARGET_BYTES ? "yes" : missedBy(r.median() / HEAP_TARGET_BYTES, "×"));
            }
        }
        for (Result r : byId.values()) {
            if (r.id().startsWith("4.decide.")) {
                row(b, "4", r.id(), "decisions/s, " + r.label().replaceAll("^decide ", ""), null, "", null);
            }
        }
        shadow(b, "5.replay.normalized.memory", "replay normalized, shadow, ledger in memory", limitNormalized, SHADOW_TARGET);
        shadow(b, "5.replay.cloudtrail.memory", "replay CloudTrail, shadow, ledger in memory", limitTrail, SHADOW_TARGET);
        shadow(b, "5.replay.normalized.postgres", "replay normalized + PostgreSQL event store and ledger", limitNormalized,
                DURABLE_TARGET);
        get("5.experiment.window1m.parallelgc").ifPresent(r -> row(b, "5 (experiment)",
                r.id(), "replay normalized, shadow, -XX:+UseParallelGC (not the default)", limitNormalized,
                "", ""));
        for (Result r : byId.values()) {
            if (r.id().matches("5\\.replay\\.normalized\\.(h2|postgres)\\.first\\d+")) {
                String store = r.id().contains(".h2.") ? "H2" : "PostgreSQL";
                shadow(b, r.id(), "replay normalized + " + store + " event store and ledger, first "
                        + String.format(Locale.ROOT, "%,d", ((Number) r.facts().get("events")).longValue()) + " events",
                        limitNormalized, DURABLE_TARGET);
            }
        }
        get("6.latency.p50").ifPresent(r -> row(b, "6", r.id(), "event → containment call, p50 of each run", null, "", null));
        get("6.latency.p99").ifPresent(r -> row(b, "6", r.id(), "event → containment call, p99 of each run", null, "< 250 ms",
                r.median() < P99_TARGET_MS ? "yes" : missedBy(r.median() / P99_TARGET_MS, "×")));
        return b.toString();
    }

    private void shadow(StringBuilder b, String id, String label, Optional<Result> limit, double target) {
        get(id).ifPresent(r -> {
            String verdict = limit.map(l -> {
                // by CPU time when measured (a loaded machine gives each JVM a different share of the cores), else wall time
                double ratio = cpu(r) > 0 && cpu(l) > 0 ? cpu(r) / cpu(l) : r.median() / l.median();
                return ratio >= target ? "yes" : String.format(Locale.ROOT, "no: %.1f points short", 100 * (target - ratio));
            }).orElse("");
            row(b, "5", id, label, limit, String.format(Locale.ROOT, "≥ %.0f%% of (1)", 100 * target), verdict);
        });
    }

    private static String trackedLabel(Result r) {
        String replicas = r.id().replaceAll(".*replicas", "");
        return replicas.equals("1") ? "identities of the estate tracked" : replicas + "× the estate's identities tracked";
    }

    private static String missedBy(double factor, String unit) {
        return String.format(Locale.ROOT, "no: %.2f%s the target", factor, unit);
    }

    private void row(StringBuilder b, String item, String id, String label, Optional<Result> limit, String target, String met) {
        Result r = byId.get(id);
        if (r == null) {
            return;
        }
        if (r.facts().get("mb_per_s") instanceof List<?> mb && id.startsWith("1.")) {
            double[] values = mb.stream().mapToDouble(v -> ((Number) v).doubleValue()).sorted().toArray();
            label = label + String.format(Locale.ROOT, " (%.0f MB/s)", values[values.length / 2]);
        }
        String ratio = limit == null || limit.isEmpty() ? "" : String.format(Locale.ROOT, "%.1f%%", 100 * r.median() / limit.get().median());
        b.append("| ").append(item).append(" | ").append(label).append(" | ").append(fmt(r.median())).append(' ').append(r.unit())
                .append(" | ").append(fmt(r.min())).append(" – ").append(fmt(r.max())).append(" | ").append(r.samples().size())
                .append(" | ").append(ratio).append(" | ").append(cpu(r) < 0 ? "" : fmt(cpu(r)))
                .append(" | ").append(limit == null || limit.isEmpty() || cpu(r) < 0 || cpu(limit.get()) < 0 ? ""
                        : String.format(Locale.ROOT, "%.1f%%", 100 * cpu(r) / cpu(limit.get())))
                .append(" | ").append(allocated(r)).append(" | ").append(target).append(" | ").append(met == null ? "" : met).append(" |\n");
    }

    /**
     * The median events per second of process CPU time, or -1 when not measured; where the row ran
     * on PostgreSQL, of this JVM's and the database's processes together (H2 runs inside the JVM).
     */
    static double cpu(Result r) {
        double both = median(r, "events_per_cpu_second_with_database");
        return both > 0 ? both : median(r, "events_per_cpu_second");
    }

    private static double median(Result r, String fact) {
        if (!(r.facts().get(fact) instanceof List<?> values) || values.isEmpty()) {
            return -1;
        }
        double[] sorted = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    /** The median bytes the measuring thread allocated per event, when measured. */
    private static String allocated(Result r) {
        if (!(r.facts().get("allocated_bytes_per_event") instanceof List<?> values) || values.isEmpty()) {
            return "";
        }
        double[] sorted = values.stream().mapToDouble(v -> ((Number) v).doubleValue()).sorted().toArray();
        double median = sorted[sorted.length / 2];
        return median < 0 ? "" : String.format(Locale.ROOT, "%,.0f B", median);
    }

    static String fmt(double value) {
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.2f", value);
    }

    static String num(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }
}
