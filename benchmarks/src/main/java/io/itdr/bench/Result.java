package io.itdr.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One measured figure: every timed run's value (warm-up runs are not included), with facts about
 * the runs (events, bytes, tracked identities...). Immutable.
 *
 * @param id      stable key ("1.parse.normalized"), used to compute ratios; never null
 * @param label   what was measured, for the table; never null
 * @param unit    unit of the samples ("events/s"); never null
 * @param samples one value per timed run, in run order; never empty
 * @param facts   anything else worth keeping; never null
 */
public record Result(String id, String label, String unit, List<Double> samples, Map<String, Object> facts) {
    public Result {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(unit, "unit");
        samples = List.copyOf(samples);
        if (samples.isEmpty()) {
            throw new IllegalArgumentException(id + ": no samples");
        }
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    public double median() {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public double min() {
        return samples.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    public double max() {
        return samples.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }
}
