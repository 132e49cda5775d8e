package io.itdr.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark of BENCHMARKS.md and prints the table: {@code benchmarks/run [--quick]}.
 *
 * <p>Order: inputs are generated once ({@link Inputs}); then, each in a JVM of its own, the
 * parse-only limit (1) and normalization (2) over the same files, the JMH benchmarks of detection
 * (3) and decision (4), the heap per tracked identity (3), end-to-end replays (5) in memory, on H2
 * and on PostgreSQL, containment latency (6), and one profiled replay (JFR). Raw results go to
 * {@code results/}: {@code results.json} (every sample), {@code results.csv}, {@code jmh-*.json},
 * {@code profile.txt} and {@code table.md}.
 *
 * <p>{@code --quick}: a 2,000-identity estate, one warm-up and two timed runs, short JMH
 * iterations: a smoke run of the wiring, not figures to publish.
 */
public final class BenchMain {
    private final boolean quick;
    private final Path out;
    private final Inputs inputs;
    private final int identities;
    private final boolean reuseInput;
    private final boolean prepareOnly;
    private final Set<String> only;
    /** What --only can name; a run of all of them is a full run. */
    static final Set<String> SECTIONS = Set.of("limit", "normalize", "replay", "durable", "heap", "latency", "jmh", "profile");
    private final List<Result> results = new ArrayList<>();

    private BenchMain(boolean quick, Path out, Path work, int identities, boolean reuseInput, boolean prepareOnly,
                      Set<String> only) {
        this.prepareOnly = prepareOnly;
        this.only = only;
        this.quick = quick;
        this.out = out;
        this.inputs = new Inputs(work);
        this.identities = identities;
        this.reuseInput = reuseInput;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = false;
        boolean reuse = false;
        boolean prepareOnly = false;
        Set<String> only = SECTIONS;
        Path out = Path.of("benchmarks/target/results");
        Path work = Path.of("benchmarks/target/bench-input");
        Integer identities = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--reuse-input" -> reuse = true;
                case "--prepare-only" -> prepareOnly = true;
                case "--only" -> only = Set.of(args[++i].split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                case "--identities" -> identities = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: benchmarks/run [--quick] [--reuse-input] [--prepare-only] [--only SECTION,...] [--identities N] [--out DIR] [--work DIR]");
                    System.exit(2);
                }
            }
        }
        new BenchMain(quick, out.toAbsolutePath(), work.toAbsolutePath(), identities != null ? identities : quick ? 2_000 : 100_000,
                reuse, prepareOnly, only).run();
    }

    /** The durable rows replay this many of the input's first events (both databases the same). */
    static final int DURABLE_EVENTS = 100_000;

    private int durableEvents() {
        return quick ? 2_000 : DURABLE_EVENTS;
    }

    private int runs() {
        return quick ? 2 : 5;
    }

    private void run() throws Exception {
        Instant started = Instant.now();
        Files.createDirectories(out);
        Map<String, Object> machine = Machine.describe();
        System.out.println("itdr benchmarks" + (quick ? " (--quick: smoke run, not for publishing)" : ""));
        machine.forEach((k, v) -> System.out.println("  " + k + ": " + v));

        if (reuseInput && Files.exists(inputs.dir().resolve(Inputs.MANIFEST))) {
            System.out.println("inputs: reusing " + inputs.dir());
        } else {
            System.out.println("inputs: generating " + identities + " identities into " + inputs.dir());
            long t = System.nanoTime();
            inputs.prepare(identities);
            System.out.printf("  done in %.0f s%n", (System.nanoTime() - t) / 1e9);
        }
        Map<String, Object> manifest = inputs.manifest();
        System.out.println("  " + manifest.get("files"));
        if (prepareOnly) {
            return;
        }

        String events = inputs.events().toString();
        String trail = inputs.cloudTrail().toString();
        String dir = inputs.dir().toString();
        if (only.contains("heap")) {
            section("3. detect: heap per tracked identity");
            measure("12g", List.of(), "heap", dir, "1", quick ? "3" : "11");
        }
        if (only.contains("latency")) {
            section("6. latency: event → containment call");
            measure("1g", List.of("-Dbench.latency.samples=" + (quick ? 20 : 200)), "latency", dir, "6.latency");
        }
        if (only.contains("jmh")) {
            section("3, 4. JMH: detect and decide");
            String loadBefore = loadAverage();
            jmh();
            System.out.println("  load average before JMH: " + loadBefore + ", after: " + loadAverage());
        }
        if (only.contains("limit")) {
            section("1. the limit: Jackson parse-only");
            measure("4g", List.of(), "parse", events, "1.parse.normalized");
            measure("4g", List.of(), "parse", trail, "1.parse.cloudtrail");
        }
        if (only.contains("normalize")) {
            section("2. normalize");
            measure("4g", List.of(), "normalize", trail, "aws", "2.normalize.cloudtrail");
            measure("4g", List.of(), "normalize", events, "normalized", "2.normalize.normalized");
        }
        if (only.contains("replay")) {
            section("5. end to end: replay");
            measure("4g", List.of(), "replay", dir, "normalized", "none", "5.replay.normalized.memory");
            measure("4g", List.of(), "replay", dir, "aws", "none", "5.replay.cloudtrail.memory");
            // the collector: the throughput collector instead of G1 (the sort buffer is heap-sized by default now)
            // (three timed runs: an experiment, not a figure of the six items)
            measure("4g", List.of("-XX:+UseParallelGC", "-Dbench.runs=" + Math.min(3, runs())),
                    "replay", dir, "normalized", "none", "5.experiment.window1m.parallelgc");
        }
        if (only.contains("durable")) {
            section("5. end to end: replay with the durable stores, first " + String.format("%,d", durableEvents()) + " events");
            // a fixed prefix of the input, not all of it: the whole input took 297 s a pass on PostgreSQL (BENCHMARKS.md,
            // 12:35 run), which alone would have filled the run's 30 minutes; three timed passes, each on a fresh database
            List<String> durable = List.of("-Dbench.runs=" + Math.min(3, runs()));
            String first = Integer.toString(durableEvents());
            measure("4g", durable, "replay", dir, "normalized", "h2", "5.replay.normalized.h2.first" + first, first);
            measure("4g", durable, "replay", dir, "normalized", "postgres", "5.replay.normalized.postgres.first" + first, first);
        }
        if (only.contains("profile")) {
            section("profile: one replay under JFR");
            profile();
        }

        Map<String, Object> all = new LinkedHashMap<>();
        all.put("started", started.toString());
        all.put("took_seconds", Duration.between(started, Instant.now()).toSeconds());
        all.put("quick", quick);
        all.put("sections", new java.util.TreeSet<>(only));
        all.put("machine", machine);
        all.put("inputs", manifest);
        all.put("results", results);
        Json.write(out.resolve("results.json"), all);
        Report report = new Report(results, quick);
        Files.writeString(out.resolve("results.csv"), report.csv(), StandardCharsets.UTF_8);
        String table = report.table();
        Files.writeString(out.resolve("table.md"), table, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(table);
        System.out.printf("took %d s; raw results in %s%n", Duration.between(started, Instant.now()).toSeconds(), out);
    }

    private static void section(String title) {
        System.out.println();
        System.out.println("== " + title);
    }

    /** Runs one {@link Measure} item in a JVM of its own and collects its results. */
    private void measure(String heap, List<String> jvmArgs, String item, String... args) throws Exception {
        Path file = out.resolve("measure-" + item + "-" + String.join("-", args).replaceAll("[^A-Za-z0-9.]+", "_") + ".json");
        List<String> command = java(heap, jvmArgs);
        command.add(Measure.class.getName());
        command.add(item);
        command.add(file.toString());
        command.addAll(List.of(args));
        String loadBefore = loadAverage();
        long start = System.nanoTime();
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("measurement " + item + " " + List.of(args) + " failed with exit code " + exit);
        }
        String loadAfter = loadAverage();
        for (Result r : Json.MAPPER.readValue(file.toFile(), new TypeReference<List<Result>>() {
        })) {
            Map<String, Object> facts = new LinkedHashMap<>(r.facts());
            // other engineers build on this machine: the load says how quiet it was
            facts.put("loadavg_before", loadBefore);
            facts.put("loadavg_after", loadAfter);
            facts.put("jvm_seconds", Math.round((System.nanoTime() - start) / 1e9));
            facts.put("jvm", String.join(" ", command.subList(1, command.indexOf("-cp"))));
            results.add(new Result(r.id(), r.label(), r.unit(), r.samples(), facts));
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private List<String> java(String heap, List<String> jvmArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        command.add("-Dbench.warmups=1");
        command.add("-Dbench.runs=" + runs());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    private void jmh() throws Exception {
        String input = "-Dbench.input=" + inputs.dir();
        // options given here replace the @Fork jvmArgsAppend of the classes: the heaps are set here
        runJmh("jmh-detect.json", base(input, "-Xms10g", "-Xmx10g").include(DetectBenchmark.class.getName() + ".process$")
                .param("replicas", quick ? new String[]{"1"} : new String[]{"1", "11"}), "3.detect");
        runJmh("jmh-detect-copy.json", base(input, "-Xms10g", "-Xmx10g").include(DetectBenchmark.class.getName() + ".copyOnly$").param("replicas", "1"),
                "3.detect.copy");
        runJmh("jmh-decide.json", base(input, "-Xms2g", "-Xmx2g").include(DecideBenchmark.class.getName() + ".decide$").param("prior", "0"),
                "4.decide");
        runJmh("jmh-decide-prior.json", base(input, "-Xms2g", "-Xmx2g").include(DecideBenchmark.class.getName() + ".decide$")
                .param("prior", quick ? "1000" : "100000").param("rules", "13"), "4.decide");
    }

    private ChainedOptionsBuilder base(String... jvmArgs) {
        ChainedOptionsBuilder options = new OptionsBuilder().jvmArgsAppend(jvmArgs).shouldFailOnError(true);
        if (quick) {
            options.warmupIterations(1).measurementIterations(2).warmupTime(TimeValue.seconds(1))
                    .measurementTime(TimeValue.seconds(1));
        }
        return options;
    }

    private void runJmh(String file, ChainedOptionsBuilder options, String idPrefix) throws Exception {
        Path json = out.resolve(file);
        options.result(json.toString()).resultFormat(org.openjdk.jmh.results.format.ResultFormatType.JSON);
        for (RunResult run : new Runner(options.build()).run()) {
            results.add(Report.fromJmh(run, idPrefix));
        }
    }

    /** One replay of the normalized input under JFR (profile settings), summarised by stage and method. */
    private void profile() throws Exception {
        Path recording = out.resolve("replay.jfr");
        Files.deleteIfExists(recording);
        // the later -Dbench.runs wins: one timed run after the warm-up is enough for a profile
        List<String> command = java("4g", List.of("-XX:StartFlightRecording=filename=" + recording + ",settings=profile",
                "-Dbench.runs=1"));
        command.add(Measure.class.getName());
        command.add("replay");
        command.add(out.resolve("measure-profiled-replay.json").toString());
        command.addAll(List.of(inputs.dir().toString(), "normalized", "none", "profile.replay"));
        int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("profiled replay failed with exit code " + exit);
        }
        String summary = JfrSummary.summarise(recording, 25);
        Files.writeString(out.resolve("profile.txt"), summary, StandardCharsets.UTF_8);
        System.out.println(summary);
    }

    /** What the run ran on. */
    static final class Machine {
        private Machine() {
        }

        static Map<String, Object> describe() throws IOException {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cpus", Runtime.getRuntime().availableProcessors());
            String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
            m.put("cpu", model);
            String memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().orElse("unknown");
            m.put("memory", memory.replaceAll("\\s+", " "));
            m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
            m.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream().map(b -> b.getName()).toList());
            m.put("classpath_entries", System.getProperty("java.class.path").split(File.pathSeparator).length);
            return m;
        }
    }
}
