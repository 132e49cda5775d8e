package io.itdr.connector.tck;

import io.itdr.spi.ConnectorMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link ConnectorMetrics} that keeps what it is told, so tests can read counters and the kit
 * can check names and tags for secrets. Thread-safe.
 */
public final class RecordingMetrics implements ConnectorMetrics {
    private final List<String> recorded = new ArrayList<>();

    @Override
    public synchronized void increment(String name, Map<String, String> tags, long amount) {
        recorded.add(name + new TreeMap<>(tags) + " +" + amount);
    }

    @Override
    public synchronized void recordTime(String name, Map<String, String> tags, Duration duration) {
        recorded.add(name + new TreeMap<>(tags) + " " + duration);
    }

    /** Everything recorded, one line per call, in order. */
    public synchronized List<String> recorded() {
        return List.copyOf(recorded);
    }

    /** The sum of the increments of {@code name}, whatever the tags. */
    public synchronized long count(String name) {
        return recorded.stream().filter(line -> line.startsWith(name + "{") && line.contains(" +"))
                .mapToLong(line -> Long.parseLong(line.substring(line.lastIndexOf(" +") + 2)))
                .sum();
    }

    /** The sum of the increments of {@code name} with exactly these tags. */
    public synchronized long count(String name, Map<String, String> tags) {
        String prefix = name + new TreeMap<>(tags) + " +";
        return recorded.stream().filter(line -> line.startsWith(prefix))
                .mapToLong(line -> Long.parseLong(line.substring(prefix.length())))
                .sum();
    }

    @Override
    public synchronized String toString() {
        return "RecordingMetrics" + recorded;
    }
}
