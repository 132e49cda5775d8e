package io.itdr.bench;

import io.itdr.core.detect.DetectionEngine;
import io.itdr.core.detect.DetectionSettings;
import io.itdr.core.detect.GeoResolver;
import io.itdr.core.enrich.Enricher;
import io.itdr.core.enrich.InventoryLookup;
import io.itdr.core.enrich.InventoryTagKeys;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.normalize.NormalizedEventNormalizer;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.telemetry.RawPayload;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Item 3: detector updates per second (all six built-in detectors on one event) while the engine
 * tracks the estate's identities ({@code replicas = 1}: every identity active in the input window)
 * or eleven times as many ({@code replicas = 11}: each event also by ten copies of its identity,
 * {@link Replicas}), about 1M. The engine is filled first by running the whole input once per
 * replica; the benchmark then goes on through the input in order, cycling through the replicas,
 * each lap shifted forward in time so every identity sees time move on, as live traffic would.
 *
 * <p>Each operation copies the event to its replica identity and shifted time (a record copy;
 * {@link #copyOnly} measures that alone) and then runs the engine. Enrichment is done beforehand,
 * once per identity: this measures detection only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms10g", "-Xmx10g"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
public class DetectBenchmark {
    /** One lap of the input is 17 hours of telemetry; the next lap starts a day later. */
    private static final long LAP_MILLIS = Duration.ofDays(1).toMillis();

    @Param({"1", "11"})
    public int replicas;

    private IdentityEvent[] events;
    private int[] identityOf;
    private IdentityRef[][] refs;
    private IdentityRecord[][] records;
    private DetectionEngine engine;
    private int cursor;
    private int lap;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Inputs inputs = new Inputs(Path.of(System.getProperty("bench.input")));
        Enricher enricher = new Enricher(inputs.catalog(), InventoryLookup.none(), InventoryTagKeys.defaults());
        List<IdentityEvent> loaded = load(inputs.events());
        events = loaded.toArray(IdentityEvent[]::new);
        identityOf = new int[events.length];
        Map<String, Integer> index = new HashMap<>();
        List<IdentityEvent> firstOf = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            IdentityEvent e = events[i];
            Integer at = index.get(e.identityKey());
            if (at == null) {
                at = firstOf.size();
                index.put(e.identityKey(), at);
                firstOf.add(e);
            }
            identityOf[i] = at;
        }
        refs = new IdentityRef[replicas][firstOf.size()];
        records = new IdentityRecord[replicas][firstOf.size()];
        for (int r = 0; r < replicas; r++) {
            for (int i = 0; i < firstOf.size(); i++) {
                IdentityEvent copy = Replicas.of(firstOf.get(i), r, 0);
                refs[r][i] = copy.identity();
                records[r][i] = enricher.enrich(copy);
            }
        }
        engine = new DetectionEngine(DetectionSettings.defaults().withMaxTrackedIdentities(Integer.MAX_VALUE), GeoResolver.none());
        for (int r = 0; r < replicas; r++) {
            for (int i = 0; i < events.length; i++) {
                int id = identityOf[i];
                engine.process(Replicas.with(events[i], refs[r][id], 0), records[r][id]);
            }
        }
        System.out.printf("%n  detect: %,d events in the input, %,d identities tracked%n", events.length, engine.trackedIdentities());
        cursor = 0;
        lap = 0;
    }

    static List<IdentityEvent> load(Path file) throws Exception {
        List<IdentityEvent> events = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            new NormalizedEventNormalizer().normalize(new RawPayload(file.toString(), null, in),
                    Measure.counting(events::add, new long[1]));
        }
        return events;
    }

    @Benchmark
    public List<Finding> process() {
        int i = cursor;
        int r = lap % replicas;
        long shift = (lap / replicas + 1) * LAP_MILLIS;
        if (++cursor == events.length) {
            cursor = 0;
            lap++;
        }
        int id = identityOf[i];
        return engine.process(Replicas.with(events[i], refs[r][id], shift), records[r][id]);
    }

    @Benchmark
    public IdentityEvent copyOnly() {
        int i = cursor;
        int r = lap % replicas;
        long shift = (lap / replicas + 1) * LAP_MILLIS;
        if (++cursor == events.length) {
            cursor = 0;
            lap++;
        }
        return Replicas.with(events[i], refs[r][identityOf[i]], shift);
    }
}
