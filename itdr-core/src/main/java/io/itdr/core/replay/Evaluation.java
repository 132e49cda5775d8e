package io.itdr.core.replay;

import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Scores a replay against ground-truth {@link Labels}.
 *
 * <ul>
 *   <li>A finding is a true positive when it cites at least one malicious event, a false
 *       positive when every event it cites is benign.</li>
 *   <li>A malicious event is detected when any finding cites it. A detector's false negatives are
 *       the malicious events of the attack families it is responsible for that none of its
 *       findings cites; its recall is the share of those it cites.</li>
 *   <li>{@code disruptive_on_benign} counts decisions that would disrupt (rung ≥
 *       quarantine_session, or a hold whose intended rung is) where every event the finding cites is
 *       benign.</li>
 * </ul>
 *
 * <p>Memory grows with the number of detectors and malicious events, not with the input. Not
 * thread-safe.
 */
public final class Evaluation {
    /** Attack families whose natural detector has another name. */
    public static final Map<String, String> FAMILY_DETECTOR = Map.of("outside_workload", "token_replay");

    private final Labels labels;
    private final Map<String, long[]> findingsByDetector = new TreeMap<>(); // [tp, fp]
    private final Map<String, Set<String>> citedByDetector = new HashMap<>();
    private final Set<String> citedByAny = new HashSet<>();
    private long disruptiveOnBenign;

    public Evaluation(Labels labels) {
        this.labels = Objects.requireNonNull(labels, "labels");
    }

    public void onFinding(Finding finding) {
        long[] counts = findingsByDetector.computeIfAbsent(finding.detector(), d -> new long[2]);
        boolean malicious = false;
        for (String id : finding.evidenceEventIds()) {
            if (labels.isMalicious(id)) {
                malicious = true;
                citedByAny.add(id);
                citedByDetector.computeIfAbsent(finding.detector(), d -> new HashSet<>()).add(id);
            }
        }
        counts[malicious ? 0 : 1]++;
    }

    public void onDecision(Decision decision, Finding finding) {
        boolean disruptive = decision.hold() ? decision.intendedRung().isDisruptive() : decision.rung().isDisruptive();
        if (disruptive && labels.allBenign(finding.evidenceEventIds())) {
            disruptiveOnBenign++;
        }
    }

    public long disruptiveOnBenign() {
        return disruptiveOnBenign;
    }

    /** The detector expected to catch a family. */
    public static String detectorFor(String family) {
        return FAMILY_DETECTOR.getOrDefault(family, family);
    }

    /** The report section: per detector, overall, per attack family, and disruptive_on_benign. */
    public Map<String, Object> toReport() {
        Map<String, Object> out = new LinkedHashMap<>();
        Set<String> detectors = new TreeSet<>(findingsByDetector.keySet());
        labels.maliciousFamilies().values().forEach(f -> detectors.add(detectorFor(f)));
        long tpAll = 0;
        long fpAll = 0;
        for (String detector : detectors) {
            long[] counts = findingsByDetector.getOrDefault(detector, new long[2]);
            long expected = 0;
            long found = 0;
            Set<String> cited = citedByDetector.getOrDefault(detector, Set.of());
            for (Map.Entry<String, String> e : labels.maliciousFamilies().entrySet()) {
                if (detectorFor(e.getValue()).equals(detector)) {
                    expected++;
                    if (cited.contains(e.getKey())) {
                        found++;
                    }
                }
            }
            out.put(detector, scores(counts[0], counts[1], expected - found, found, expected));
            tpAll += counts[0];
            fpAll += counts[1];
        }
        long malicious = labels.maliciousCount();
        out.put("overall", scores(tpAll, fpAll, malicious - citedByAny.size(), citedByAny.size(), malicious));
        Map<String, Object> families = new TreeMap<>();
        Map<String, long[]> perFamily = new TreeMap<>();
        labels.maliciousFamilies().forEach((id, family) -> {
            long[] c = perFamily.computeIfAbsent(family, f -> new long[2]);
            c[0]++;
            if (citedByAny.contains(id)) {
                c[1]++;
            }
        });
        perFamily.forEach((family, c) -> families.put(family, Map.of("malicious_events", c[0], "detected", c[1],
                "recall", ratio(c[1], c[0]))));
        out.put("families", families);
        out.put("disruptive_on_benign", disruptiveOnBenign);
        return out;
    }

    private static Map<String, Object> scores(long tp, long fp, long fn, long found, long expected) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tp", tp);
        m.put("fp", fp);
        m.put("fn", fn);
        m.put("precision", ratio(tp, tp + fp));
        m.put("recall", ratio(found, expected));
        return m;
    }

    /** A ratio rounded to 4 places; null when the denominator is 0 (undefined, not perfect). */
    static Double ratio(long num, long den) {
        return den == 0 ? null : Math.round(10_000.0 * num / den) / 10_000.0;
    }
}
