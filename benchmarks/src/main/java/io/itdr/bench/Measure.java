package io.itdr.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.connector.aws.AwsConnectorFactory;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.detect.DetectionEngine;
import io.itdr.core.detect.DetectionSettings;
import io.itdr.core.detect.GeoResolver;
import io.itdr.core.enrich.Enricher;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.enrich.InventoryLookup;
import io.itdr.core.enrich.InventoryTagKeys;
import io.itdr.core.normalize.JsonLines;
import io.itdr.core.normalize.NormalizedEventNormalizer;
import io.itdr.core.replay.ReplayOptions;
import io.itdr.core.replay.ReplayReport;
import io.itdr.core.replay.ReplayRunner;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One measurement, run in a JVM of its own by {@link BenchMain} (so no measurement inherits
 * another's JIT profile or heap): {@code Measure <item> <results.json> <args...>}. Each timed item
 * runs {@code -Dbench.warmups} untimed passes over the whole input, then {@code -Dbench.runs}
 * timed ones, and writes every timed value.
 *
 * <p>Items: {@code parse FILE ID} (item 1), {@code normalize FILE SOURCE ID} (item 2),
 * {@code replay INPUTDIR SOURCE STORE ID} (item 5), {@code heap INPUTDIR REPLICAS...} (item 3,
 * memory), {@code latency INPUTDIR ID} (item 6).
 */
public final class Measure {
    static final int WARMUPS = Integer.getInteger("bench.warmups", 1);
    static final int RUNS = Integer.getInteger("bench.runs", 5);
    static final int WARMUP_EVENTS = 200_000;
    static final int DURABLE_WARMUP_EVENTS = 20_000;

    private Measure() {
    }

    public static void main(String[] args) throws Exception {
        String item = args[0];
        Path out = Path.of(args[1]);
        List<Result> results = switch (item) {
            case "parse" -> parse(Path.of(args[2]), args[3]);
            case "normalize" -> List.of(normalize(Path.of(args[2]), args[3], args[4]));
            case "replay" -> List.of(replay(new Inputs(Path.of(args[2])), args[3], args[4], args[5],
                    args.length > 6 ? Integer.parseInt(args[6]) : 0));
            case "heap" -> heap(new Inputs(Path.of(args[2])), java.util.Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray());
            case "latency" -> ContainmentLatency.measure(new Inputs(Path.of(args[2])), args[3], WARMUPS, RUNS);
            default -> throw new IllegalArgumentException("unknown item " + item);
        };
        Json.write(out, results);
    }

    /**
     * What one pass over the input did: how many events (or records) and bytes, in how long, and the
     * bytes the measuring thread allocated meanwhile (-1 when the JVM cannot tell): allocation does not
     * depend on the machine's load, throughput does.
     */
    record Pass(long events, long bytes, long nanos, long allocated, long cpuNanos) {
        Pass(long events, long bytes, long nanos) {
            this(events, bytes, nanos, -1, -1);
        }

        /** Events per second of CPU time of the whole process (every thread: GC and JIT too), -1 when unknown. */
        double eventsPerCpuSecond() {
            return cpuNanos <= 0 ? -1 : events / (cpuNanos / 1e9);
        }

        double allocatedPerEvent() {
            return allocated < 0 ? -1 : allocated / (double) events;
        }

        double eventsPerSecond() {
            return events / (nanos / 1e9);
        }

        double megabytesPerSecond() {
            return bytes / 1e6 / (nanos / 1e9);
        }
    }

    interface Work {
        Pass run() throws Exception;
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes allocated by the calling thread so far, or -1 when not supported. */
    static long allocatedSoFar() {
        return THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled()
                ? THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) : -1;
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    /**
     * {@code work} with the calling thread's allocation and the process's CPU time during it. On a
     * loaded machine wall time measures the share of the cores this JVM got; CPU time measures the
     * work (it still carries some of the load: caches and memory bandwidth are shared).
     */
    static Work allocating(Work work) {
        return () -> {
            long before = allocatedSoFar();
            long cpuBefore = OS.getProcessCpuTime();
            Pass p = work.run();
            long cpuAfter = OS.getProcessCpuTime();
            long after = allocatedSoFar();
            if (p.cpuNanos() >= 0) { // the work measured itself (around its timed part only)
                return p;
            }
            return new Pass(p.events(), p.bytes(), p.nanos(), before < 0 ? -1 : after - before,
                    cpuBefore < 0 ? -1 : cpuAfter - cpuBefore);
        };
    }

    /** Warm-up passes, then timed ones; prints each so a long run shows progress. */
    static List<Pass> passes(String id, Work work) throws Exception {
        return passes(id, work, work);
    }

    /** As {@link #passes(String, Work)}, warming up with {@code warmup} (a shorter pass of the same code). */
    static List<Pass> passes(String id, Work warmup, Work work) throws Exception {
        for (int i = 0; i < WARMUPS; i++) {
            Pass p = warmup.run();
            System.out.printf("  %s warm-up %d: %,.0f events/s%n", id, i + 1, p.eventsPerSecond());
        }
        List<Pass> timed = new ArrayList<>();
        Work measured = allocating(work);
        for (int i = 0; i < RUNS; i++) {
            Pass p = measured.run();
            timed.add(p);
            System.out.printf("  %s run %d: %,.0f events/s, %,.0f events per CPU second (%,d events, %.2f s, %,.0f bytes allocated per event)%n",
                    id, i + 1, p.eventsPerSecond(), p.eventsPerCpuSecond(), p.events(), p.nanos() / 1e9, p.allocatedPerEvent());
        }
        return timed;
    }

    static Result eventsResult(String id, String label, List<Pass> passes, Map<String, Object> facts) {
        Map<String, Object> all = new LinkedHashMap<>(facts);
        all.put("events", passes.get(0).events());
        all.put("bytes", passes.get(0).bytes());
        all.put("mb_per_s", passes.stream().map(Pass::megabytesPerSecond).toList());
        all.put("seconds", passes.stream().map(p -> p.nanos() / 1e9).toList());
        // of the measuring thread only: a second thread's allocation (a writer, a reader) is not in it
        all.put("allocated_bytes_per_event", passes.stream().map(Pass::allocatedPerEvent).toList());
        all.put("events_per_cpu_second", passes.stream().map(Pass::eventsPerCpuSecond).toList());
        return new Result(id, label, "events/s", passes.stream().map(Pass::eventsPerSecond).toList(), all);
    }

    // ---------------------------------------------------------------- 1. the limit

    /**
     * Jackson over the exact input bytes on one thread, nothing else: the file read through a
     * 64 KiB buffer into one parser that reads the records as consecutive root values.
     * {@code <id>.stream}: every token read, every string and number value decoded (the least any
     * reader of the fields must do). {@code <id>.tree}: every record read into a JsonNode tree (what
     * the CloudTrail normalizer does before mapping).
     */
    static List<Result> parse(Path file, String id) throws Exception {
        JsonFactory factory = new JsonFactory();
        ObjectMapper mapper = new ObjectMapper(factory);
        long bytes = Files.size(file);
        boolean envelope = isEnvelope(file);
        List<Pass> stream = passes(id + ".stream", () -> {
            long start = System.nanoTime();
            long[] counts = new long[2]; // records, a sum of the values so no read is optimised away
            try (InputStream in = open(file); JsonParser p = factory.createParser(in)) {
                if (envelope) {
                    enterRecords(p);
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        counts[0]++;
                        readValues(p, 1, counts);
                    }
                } else {
                    JsonToken t;
                    while ((t = p.nextToken()) != null) {
                        if (t == JsonToken.START_OBJECT) {
                            counts[0]++;
                            readValues(p, 1, counts);
                        }
                    }
                }
            }
            long nanos = System.nanoTime() - start;
            blackhole(counts[1]);
            return new Pass(counts[0], bytes, nanos);
        });
        List<Pass> tree = passes(id + ".tree", () -> {
            long start = System.nanoTime();
            long records = 0;
            long sink = 0;
            try (InputStream in = open(file); JsonParser p = factory.createParser(in)) {
                if (envelope) {
                    enterRecords(p);
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        sink += mapper.readTree(p).size();
                        records++;
                    }
                } else {
                    try (MappingIterator<JsonNode> it = mapper.readerFor(JsonNode.class).readValues(p)) {
                        while (it.hasNext()) {
                            sink += it.next().size();
                            records++;
                        }
                    }
                }
            }
            long nanos = System.nanoTime() - start;
            blackhole(sink);
            return new Pass(records, bytes, nanos);
        });
        Map<String, Object> facts = Map.of("file", file.getFileName().toString(), "threads", 1,
                "format", envelope ? "CloudTrail log file {\"Records\":[...]}, gzip: bytes are the compressed file, gunzip included"
                        : "JSON Lines");
        return List.of(eventsResult(id + ".stream", "Jackson streaming parse, every value decoded", stream, facts),
                eventsResult(id + ".tree", "Jackson tree parse (readTree per record)", tree, facts));
    }

    /** The file's bytes, gunzipped when they are gzip, through a 64 KiB buffer. */
    static InputStream open(Path file) throws IOException {
        return JsonLines.maybeGunzip(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    /** Whether the file is one {"Records":[...]} document (a CloudTrail log file) rather than JSON Lines. */
    static boolean isEnvelope(Path file) throws IOException {
        try (InputStream in = open(file)) {
            byte[] head = in.readNBytes(12);
            return new String(head, java.nio.charset.StandardCharsets.UTF_8).equals("{\"Records\":[");
        }
    }

    private static void enterRecords(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME || !"Records".equals(p.currentName())
                || p.nextToken() != JsonToken.START_ARRAY) {
            throw new IOException("not a CloudTrail log file: expected {\"Records\":[ at the start");
        }
    }

    /** Reads the rest of a value whose start token was read, decoding every string and number. */
    private static void readValues(JsonParser p, int depth, long[] counts) throws IOException {
        while (depth > 0) {
            switch (p.nextToken()) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> counts[1] += p.getText().length();
                case VALUE_NUMBER_INT -> counts[1] += p.getLongValue();
                case VALUE_NUMBER_FLOAT -> counts[1] += (long) p.getDoubleValue();
                default -> {
                }
            }
        }
    }

    private static volatile long blackhole;

    static void blackhole(long value) {
        blackhole += value;
    }

    // ---------------------------------------------------------------- 2. normalize

    static EventNormalizer normalizer(String source) {
        return switch (source) {
            case "normalized" -> new NormalizedEventNormalizer();
            case "aws" -> new AwsConnectorFactory().exportNormalizer().orElseThrow();
            default -> throw new IllegalArgumentException("unknown source " + source);
        };
    }

    /** The source's normalizer over the whole file into a sink that only counts. */
    static Result normalize(Path file, String source, String id) throws Exception {
        EventNormalizer normalizer = normalizer(source);
        long bytes = Files.size(file);
        long[] rejected = new long[1];
        List<Pass> passes = passes(id, () -> {
            long[] accepted = new long[1];
            rejected[0] = 0;
            long start = System.nanoTime();
            try (InputStream in = Files.newInputStream(file)) {
                normalizer.normalize(new RawPayload(file.toString(), null, in), counting(e -> accepted[0]++, rejected));
            }
            return new Pass(accepted[0], bytes, System.nanoTime() - start);
        });
        return eventsResult(id, "normalize (" + source + ") → IdentityEvent", passes,
                Map.of("file", file.getFileName().toString(), "rejected", rejected[0], "threads", 1));
    }

    static NormalizationSink counting(Consumer<IdentityEvent> accepted, long[] rejected) {
        return NormalizationSink.of((event, location) -> accepted.accept(event), rejection -> rejected[0]++);
    }

    // ---------------------------------------------------------------- 5. end to end

    /**
     * {@code itdr replay} in-process: the default policy in shadow mode with the estate's catalog.
     * {@code store} none: {@link ReplayRunner} itself, ledger in memory; h2 / postgres: the same
     * pipeline writing every event and every ledger entry to the database ({@link DurableReplay}).
     */
    static Result replay(Inputs inputs, String source, String store, String id, int firstEvents) throws Exception {
        Path all = source.equals("aws") ? inputs.cloudTrail() : inputs.events();
        Path file = firstEvents > 0 ? inputs.prefix(all, firstEvents) : all;
        // warm-up (JIT) on at most the first 200k events, the durable variants on at most the first 20k (a pass of
        // theirs takes ten times as long); a CloudTrail log file is one document: it warms up on itself
        int warmEvents = store.equals("none") ? WARMUP_EVENTS : DURABLE_WARMUP_EVENTS;
        Path warmFile = source.equals("aws") || firstEvents > 0 && firstEvents <= warmEvents ? file
                : inputs.prefix(all, warmEvents);
        IdentityCatalog catalog = inputs.catalog();
        ReplayOptions options = ReplayOptions.of(PolicyLoader.loadDefault(), catalog, null, null);
        String sortBuffer = System.getProperty("bench.sortBuffer");
        if (sortBuffer != null) { // an experiment, not a figure of the table: the default buffer is replay's
            options = options.withMemoryEvents(Integer.parseInt(sortBuffer));
        }
        ReplayOptions chosen = options;
        EventNormalizer normalizer = normalizer(source);
        long bytes = Files.size(file);
        Map<String, Object> facts = new LinkedHashMap<>();
        List<Pass> passes;
        if (store.equals("none")) {
            passes = passes(id, () -> replayPass(chosen, source, normalizer, warmFile, new LinkedHashMap<>()),
                    () -> replayPass(chosen, source, normalizer, file, facts));
        } else {
            DurableReplay durable = DurableReplay.open(store, inputs.dir().resolve("db-" + store), chosen);
            try {
                passes = passes(id, () -> {
                    durable.reset();
                    long start = System.nanoTime();
                    DurableReplay.Outcome o = durable.run(normalizer, warmFile);
                    return new Pass(o.accepted(), Files.size(warmFile), System.nanoTime() - start);
                }, () -> {
                    durable.reset(); // a fresh database and its migrations: outside the time, the CPU time and the allocation
                    long allocatedBefore = allocatedSoFar();
                    long cpuBefore = OS.getProcessCpuTime();
                    long dbCpuBefore = durable.databaseCpuNanos();
                    long start = System.nanoTime();
                    DurableReplay.Outcome o = durable.run(normalizer, file);
                    long nanos = System.nanoTime() - start;
                    long cpu = OS.getProcessCpuTime() - cpuBefore;
                    long allocated = allocatedSoFar() - allocatedBefore;
                    long dbCpu = durable.databaseCpuNanos() - dbCpuBefore;
                    if (dbCpuBefore >= 0) { // PostgreSQL's own processes: not in this JVM's CPU time
                        facts.computeIfAbsent("database_cpu_seconds_per_run", k -> new ArrayList<Double>());
                        @SuppressWarnings("unchecked") // put just above
                        List<Double> db = (List<Double>) facts.get("database_cpu_seconds_per_run");
                        db.add(dbCpu / 1e9);
                        if (cpuBefore >= 0) { // the CPU the whole durable path took: this JVM and the database's processes
                            facts.computeIfAbsent("events_per_cpu_second_with_database", k -> new ArrayList<Double>());
                            @SuppressWarnings("unchecked") // put just above
                            List<Double> both = (List<Double>) facts.get("events_per_cpu_second_with_database");
                            both.add(o.accepted() / ((cpu + dbCpu) / 1e9));
                        }
                    }
                    facts.put("rejected", o.rejected());
                    facts.put("events_stored", o.eventsStored());
                    facts.put("ledger_entries", o.ledgerEntries());
                    facts.put("findings", o.findings());
                    facts.computeIfAbsent("millis_per_run", k -> new ArrayList<Map<String, Long>>());
                    @SuppressWarnings("unchecked") // put just above
                    List<Map<String, Long>> split = (List<Map<String, Long>>) facts.get("millis_per_run");
                    split.add(o.millis());
                    return new Pass(o.accepted(), bytes, nanos, allocatedBefore < 0 ? -1 : allocated, cpuBefore < 0 ? -1 : cpu);
                });
                facts.putAll(durable.describe());
            } finally {
                durable.close();
            }
        }
        facts.put("source", source);
        facts.put("store", store);
        facts.put("file", file.getFileName().toString());
        return eventsResult(id, "replay (" + source + ", shadow, " + (store.equals("none") ? "ledger in memory" : store) + ")"
                        + (firstEvents > 0 ? ", first " + firstEvents + " events" : ""),
                passes, facts);
    }

    private static Pass replayPass(ReplayOptions options, String source, EventNormalizer normalizer, Path file,
                                   Map<String, Object> facts) throws IOException {
        long start = System.nanoTime();
        ReplayReport report = new ReplayRunner(options).run(source, normalizer, List.of(file));
        long nanos = System.nanoTime() - start;
        facts.put("rejected", report.rejected());
        facts.put("findings", report.findings());
        facts.put("decisions", report.decisions());
        return new Pass(report.accepted(), Files.size(file), nanos);
    }

    // ---------------------------------------------------------------- 3. heap per identity

    /**
     * Heap held by the detection engine per tracked identity, measured: used heap after full GCs
     * before and after the estate's events (each replica set once more, as other identities) went
     * through enrichment and detection, the events themselves streamed and dropped.
     */
    static List<Result> heap(Inputs inputs, int[] replicaCounts) throws Exception {
        IdentityCatalog catalog = inputs.catalog();
        Enricher enricher = new Enricher(catalog, InventoryLookup.none(), InventoryTagKeys.defaults());
        EventNormalizer normalizer = new NormalizedEventNormalizer();
        List<Result> results = new ArrayList<>();
        for (int replicas : replicaCounts) {
            long before = usedHeapAfterGc();
            DetectionEngine engine = new DetectionEngine(DetectionSettings.defaults().withMaxTrackedIdentities(Integer.MAX_VALUE),
                    GeoResolver.none());
            long events = 0;
            for (int r = 0; r < replicas; r++) {
                int replica = r;
                long[] rejected = new long[1];
                long[] count = new long[1];
                try (InputStream in = Files.newInputStream(inputs.events())) {
                    normalizer.normalize(new RawPayload(inputs.events().toString(), null, in), counting(e -> {
                        IdentityEvent copy = Replicas.of(e, replica, 0);
                        engine.process(copy, enricher.enrich(copy));
                        count[0]++;
                    }, rejected));
                }
                events += count[0];
            }
            long after = usedHeapAfterGc();
            int tracked = engine.trackedIdentities();
            double perIdentity = (after - before) / (double) tracked;
            System.out.printf("  heap: %,d identities tracked after %,d events: %,d bytes retained, %.0f bytes/identity%n",
                    tracked, events, after - before, perIdentity);
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("tracked_identities", tracked);
            facts.put("events", events);
            facts.put("replicas", replicas);
            facts.put("retained_bytes", after - before);
            facts.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
            results.add(new Result("3.heap." + replicas, "detector heap per tracked identity (" + String.format("%,d", tracked)
                    + " tracked)", "bytes/identity", List.of(perIdentity), facts));
            blackhole(engine.trackedIdentities());
        }
        return results;
    }

    static long usedHeapAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

}
