package io.itdr.core.replay;

import io.itdr.core.audit.Ledger;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.detect.DetectionSettings;
import io.itdr.core.detect.Detector;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.pipeline.ResponseEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * How to replay.
 *
 * @param policy            the policy to run (in shadow mode, whatever it says); never null
 * @param catalog           the identity catalog; never null ({@link IdentityCatalog#empty()}: owners unknown)
 * @param labels            ground truth for an evaluation; may be null
 * @param ledgerFile        where to write the JSONL ledger of the replay; null keeps it in memory
 * @param memoryEvents      events the time sort holds in memory before it spills a sorted run to a
 *                          temporary file ({@link EventSort}); at least 1
 * @param spillDirectory    where the sort's temporary files go; null for {@code java.io.tmpdir}
 * @param detection         detector settings (by default, the policy's {@code detection} thresholds
 *                          over the built-in defaults); never null
 * @param rollbackPaths     what the platforms can undo; never null
 * @param maxRejectionsListed rejections listed in the report (all are counted)
 * @param maxActionsListed  actions listed in the report (all are counted)
 * @param detectors         detectors run after the built-in ones (loaded rule sets); never null
 */
public record ReplayOptions(Policy policy, IdentityCatalog catalog, Labels labels, Path ledgerFile, int memoryEvents, Path spillDirectory,
                            DetectionSettings detection, RollbackPaths rollbackPaths, int maxRejectionsListed,
                            int maxActionsListed, List<Detector<?>> detectors) {
    public ReplayOptions {
        detectors = List.copyOf(Objects.requireNonNull(detectors, "detectors"));
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(catalog, "catalog");
        if (memoryEvents < 1) {
            throw new IllegalArgumentException("memoryEvents must be at least 1: " + memoryEvents);
        }
        Objects.requireNonNull(detection, "detection");
        Objects.requireNonNull(rollbackPaths, "rollbackPaths");
    }

    /**
     * Events sorted in memory at a time by default: about 60 MB of heap for events of the generated
     * estate (measured in README's replay figures).
     */
    public static final int DEFAULT_MEMORY_EVENTS = 100_000;
    /** Heap an event of the generated estate takes while the sort holds it (measured: about 60 MB per 100,000). */
    static final int BYTES_PER_HELD_EVENT = 600;
    /** The most events {@link #memoryEventsForHeap} holds in memory, whatever the heap. */
    static final int MAX_HEAP_SIZED_EVENTS = 4_000_000;

    /**
     * Events the sort holds before it spills, sized by the heap: a quarter of {@code maxHeapBytes}
     * at {@value #BYTES_PER_HELD_EVENT} bytes per event, at least {@link #DEFAULT_MEMORY_EVENTS}
     * and at most {@value #MAX_HEAP_SIZED_EVENTS}. An input that fits is sorted in memory and never
     * written to disk and read back (the spill costs a JSON write and parse per event).
     */
    public static int memoryEventsForHeap(long maxHeapBytes) {
        long events = maxHeapBytes / 4 / BYTES_PER_HELD_EVENT;
        return (int) Math.max(DEFAULT_MEMORY_EVENTS, Math.min(MAX_HEAP_SIZED_EVENTS, events));
    }

    /**
     * The engine a replay runs: this policy, catalog, detection and rollback paths, every decision
     * in shadow mode, nothing able to act.
     */
    public ResponseEngine shadowEngine(Clock clock, Ledger ledger) {
        ResponseEngine.Builder builder = ResponseEngine.builder(policy, clock, ledger)
                .catalog(catalog)
                .detection(detection)
                .rollbackPaths(rollbackPaths)
                .forceShadow(true);
        detectors.forEach(builder::addDetector);
        return builder.build();
    }

    /** These options with other detection settings (e.g. the operator's network data files). */
    public ReplayOptions withDetection(DetectionSettings settings) {
        return new ReplayOptions(policy, catalog, labels, ledgerFile, memoryEvents, spillDirectory, settings, rollbackPaths,
                maxRejectionsListed, maxActionsListed, detectors);
    }

    /** These options with another in-memory budget for the sort. */
    public ReplayOptions withMemoryEvents(int events) {
        return new ReplayOptions(policy, catalog, labels, ledgerFile, events, spillDirectory, detection, rollbackPaths,
                maxRejectionsListed, maxActionsListed, detectors);
    }

    /** These options with the sort's temporary files in {@code directory} (null: {@code java.io.tmpdir}). */
    public ReplayOptions withSpillDirectory(Path directory) {
        return new ReplayOptions(policy, catalog, labels, ledgerFile, memoryEvents, directory, detection, rollbackPaths,
                maxRejectionsListed, maxActionsListed, detectors);
    }

    /** These options with {@code more} detectors (loaded rule sets) run after the built-in ones. */
    public ReplayOptions withDetectors(List<? extends Detector<?>> more) {
        return new ReplayOptions(policy, catalog, labels, ledgerFile, memoryEvents, spillDirectory, detection, rollbackPaths,
                maxRejectionsListed, maxActionsListed, List.copyOf(more));
    }

    public static ReplayOptions of(Policy policy, IdentityCatalog catalog, Labels labels, Path ledgerFile) {
        return new ReplayOptions(policy, catalog, labels, ledgerFile, memoryEventsForHeap(Runtime.getRuntime().maxMemory()), null,
                DetectionSettings.defaults().tunedBy(policy.detectionTuning()),
                RollbackPaths.platformFacts(), 100, 1000, List.of());
    }
}
