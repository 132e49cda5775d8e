package io.itdr.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a JFR recording and says where the CPU went: {@code jdk.ExecutionSample} events counted
 * by pipeline stage (the first itdr frame from the top of each stack names the stage, so Jackson
 * called from {@code EventJson} counts as parsing) and by the method on top of the stack (self
 * time), plus the time spent in garbage-collection pauses. Stateless.
 */
final class JfrSummary {
    /** Stages by the class of the first itdr frame; checked in order, first prefix wins. */
    private static final Map<String, String> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("io.itdr.core.normalize.EventJson", "parse JSON line → IdentityEvent (Jackson databind)");
        STAGES.put("io.itdr.core.normalize.JsonLines", "read file, split lines, decode UTF-8");
        STAGES.put("io.itdr.core.normalize.", "normalize (other)");
        STAGES.put("io.itdr.core.enrich.", "enrich (catalog match, identity record)");
        STAGES.put("io.itdr.core.detect.", "detect (six detectors, per-identity state)");
        STAGES.put("io.itdr.core.decide.", "decide (policy, CEL, guardrails, budgets)");
        STAGES.put("io.itdr.core.audit.", "ledger (hash chain)");
        STAGES.put("io.itdr.core.act.", "act (gate, action records)");
        STAGES.put("io.itdr.core.replay.TimeOrder", "reorder window and dedupe");
        STAGES.put("io.itdr.core.replay.EventSort", "time sort, spill and dedupe");
        STAGES.put("io.itdr.core.replay.", "replay loop and report");
        STAGES.put("io.itdr.core.pipeline.", "pipeline (ledger evidence maps)");
        STAGES.put("io.itdr.connector.", "connector normalizer");
        STAGES.put("io.itdr.core.yaml.", "load catalog and policy (setup, once per run)");
        STAGES.put("io.itdr.bench.", "benchmark harness");
    }

    private JfrSummary() {
    }

    static String summarise(Path recording, int topMethods) throws IOException {
        Map<String, Long> byStage = new HashMap<>();
        Map<String, Long> byMethod = new HashMap<>();
        Map<String, Map<String, Long>> byStageMethod = new HashMap<>();
        long samples = 0;
        Duration gcPause = Duration.ZERO;
        long gcs = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String type = event.getEventType().getName();
                if (type.equals("jdk.GarbageCollection")) {
                    gcPause = gcPause.plus(event.getDuration("sumOfPauses"));
                    gcs++;
                    continue;
                }
                if (!type.equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                RecordedFrame top = frames.get(0);
                String method = top.getMethod().getType().getName() + "." + top.getMethod().getName();
                String stage = stageOf(frames);
                byMethod.merge(method, 1L, Long::sum);
                byStage.merge(stage, 1L, Long::sum);
                byStageMethod.computeIfAbsent(stage, k -> new HashMap<>()).merge(method, 1L, Long::sum);
            }
        }
        long total = samples;
        StringBuilder b = new StringBuilder();
        b.append(String.format("JFR execution samples: %,d; GC: %,d collections, %,d ms in pauses%n", samples, gcs, gcPause.toMillis()));
        b.append(String.format("%nby stage (first itdr frame from the top of the stack):%n"));
        append(b, byStage, samples, byStage.size());
        b.append(String.format("%nper stage, its methods on top of the stack (self time, %% of all samples):%n"));
        byStage.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8).forEach(stage -> {
            b.append("  ").append(stage.getKey()).append('\n');
            append(b, byStageMethod.get(stage.getKey()), total, 6);
        });
        b.append(String.format("%nby method on top of the stack (self time), top %d:%n", topMethods));
        append(b, byMethod, samples, topMethods);
        return b.toString();
    }

    private static String stageOf(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            // value records (events, identity records) are built by whichever stage calls them
            if (!type.startsWith("io.itdr.") || type.startsWith("io.itdr.spi.") || type.startsWith("io.itdr.core.model.")) {
                continue;
            }
            for (Map.Entry<String, String> stage : STAGES.entrySet()) {
                if (type.startsWith(stage.getKey())) {
                    return stage.getValue();
                }
            }
            return "other itdr (" + type + ")";
        }
        return "outside itdr frames (JDK/Jackson without an itdr caller, e.g. JIT-inlined or thread start)";
    }

    private static void append(StringBuilder b, Map<String, Long> counts, long total, int limit) {
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> b.append(String.format("  %5.1f%%  %,8d  %s%n", 100.0 * e.getValue() / total, e.getValue(), e.getKey())));
    }
}
