package io.itdr.core.replay;

import io.itdr.core.normalize.EventJson;
import io.itdr.spi.event.IdentityEvent;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Puts events of any order into time order with bounded memory, and drops duplicates: an external
 * merge sort. Events are held until {@code memoryEvents} are in memory, then sorted and spilled as
 * one run (normalized JSON Lines, {@link EventJson}, each with its raw record when it has one) to a temporary directory; {@link #drain}
 * merges the runs and what is still in memory, k-way, oldest first.
 *
 * <p>Order is by (time, source, event id), so the outcome does not depend on the order of the
 * input: any permutation of the same records, across any files, replays the same. Events with the
 * same time, source and id are the same event delivered twice (CloudTrail delivers some records
 * twice, with the same {@code eventTime}): they meet side by side in the merge, and all but the
 * first are dropped and counted. A duplicate whose copies carry different times is caught only
 * while its first copy's id is among the last {@value #RECENT_IDS} ids released (a bounded set;
 * further apart, both copies are replayed; {@link RecentIds}: exact, no allocation per event).
 *
 * <p>Memory: {@code memoryEvents} events, one read-ahead event and an 8 KiB buffer per spilled
 * run, and the recent-id set. Disk: every event once, as JSON. {@link #close()} deletes the
 * temporary files, whether or not {@link #drain} ran or failed.
 *
 * <p>Not thread-safe.
 */
final class EventSort implements Closeable {
    /** Ids remembered for duplicates whose copies differ in time. */
    static final int RECENT_IDS = 200_000;

    /** An event, the index of the source it came from, and its raw record (null when none). */
    record Entry(int source, IdentityEvent event, String record) {
        Entry(int source, IdentityEvent event) {
            this(source, event, null);
        }
    }

    static final Comparator<Entry> ORDER = Comparator.<Entry, java.time.Instant>comparing(e -> e.event().time())
            .thenComparingInt(Entry::source)
            .thenComparing(e -> e.event().id());

    private final int memoryEvents;
    private final Path spillParent;
    private final List<Entry> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private Path spillDirectory;
    private long duplicates;
    /** Whether the buffer was added to in order (a sorted export): then it needs no sort. */
    private boolean inOrder = true;

    /**
     * @param memoryEvents events held in memory before a run is spilled; at least 1
     * @param spillParent  where the temporary directory is made; null for the system's ({@code java.io.tmpdir})
     */
    EventSort(int memoryEvents, Path spillParent) {
        if (memoryEvents < 1) {
            throw new IllegalArgumentException("memoryEvents must be at least 1: " + memoryEvents);
        }
        this.memoryEvents = memoryEvents;
        this.spillParent = spillParent;
    }

    void add(int source, IdentityEvent event) {
        add(source, event, null);
    }

    /** Adds an event with its raw record (null when none), which the spill keeps beside it. */
    void add(int source, IdentityEvent event, String record) {
        Entry entry = new Entry(source, Objects.requireNonNull(event, "event"), record);
        if (inOrder && !buffer.isEmpty() && ORDER.compare(buffer.get(buffer.size() - 1), entry) > 0) {
            inOrder = false;
        }
        buffer.add(entry);
        if (buffer.size() >= memoryEvents) {
            spill();
        }
    }

    /** Runs spilled so far (for tests and the report). */
    int spilledRuns() {
        return runs.size();
    }

    /** Duplicates dropped by {@link #drain}. */
    long duplicates() {
        return duplicates;
    }

    /** Hands every event, in order and without duplicates, to {@code out}; once. */
    void drain(Consumer<Entry> out) {
        sortBuffer();
        List<RunReader> readers = new ArrayList<>();
        try {
            for (Path run : runs) {
                readers.add(new RunReader(run));
            }
            PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> {
                int c = ORDER.compare(a.entry, b.entry);
                return c != 0 ? c : Integer.compare(a.run, b.run);
            });
            for (int i = 0; i < readers.size(); i++) {
                Entry first = readers.get(i).next();
                if (first != null) {
                    heads.add(new Head(first, i));
                }
            }
            int memoryRun = readers.size();
            int inMemory = 0;
            if (!buffer.isEmpty()) {
                heads.add(new Head(buffer.get(inMemory++), memoryRun));
            }
            RecentIds recent = new RecentIds(RECENT_IDS);
            while (!heads.isEmpty()) {
                Head head = heads.poll();
                Entry entry = head.entry;
                if (!recent.add(entry.source(), entry.event().id())) {
                    duplicates++;
                } else {
                    out.accept(entry);
                }
                Entry next = head.run == memoryRun
                        ? (inMemory < buffer.size() ? buffer.get(inMemory++) : null)
                        : readers.get(head.run).next();
                if (next != null) {
                    heads.add(new Head(next, head.run));
                }
            }
            buffer.clear();
        } finally {
            for (RunReader reader : readers) {
                reader.close();
            }
        }
    }

    /** Deletes the temporary files. */
    @Override
    public void close() {
        buffer.clear();
        if (spillDirectory == null) {
            return;
        }
        IOException failure = null;
        for (Path run : runs) {
            try {
                Files.deleteIfExists(run);
            } catch (IOException e) {
                failure = e;
            }
        }
        try {
            Files.deleteIfExists(spillDirectory);
        } catch (IOException e) {
            failure = e;
        }
        runs.clear();
        spillDirectory = null;
        if (failure != null) {
            throw new UncheckedIOException("cannot delete the replay's temporary files", failure);
        }
    }

    private void sortBuffer() {
        if (!inOrder) {
            buffer.sort(ORDER);
        }
        inOrder = true;
    }

    private void spill() {
        sortBuffer();
        try {
            if (spillDirectory == null) {
                spillDirectory = spillParent == null ? Files.createTempDirectory("itdr-replay-")
                        : Files.createTempDirectory(spillParent, "itdr-replay-");
            }
            Path run = spillDirectory.resolve("run-" + runs.size() + ".jsonl");
            runs.add(run);
            try (BufferedWriter w = Files.newBufferedWriter(run, StandardCharsets.UTF_8)) {
                for (Entry e : buffer) {
                    w.write(Integer.toString(e.source()));
                    w.write('\t');
                    w.write(EventJson.write(e.event()));
                    if (e.record() != null) {
                        // as a JSON string: a record's own line breaks and tabs are escaped
                        w.write('\t');
                        w.write(EventJson.mapper().writeValueAsString(e.record()));
                    }
                    w.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spill events to a temporary file (set java.io.tmpdir to a larger disk)", e);
        }
        buffer.clear();
    }

    private record Head(Entry entry, int run) {
    }

    private static final class RunReader implements Closeable {
        private final BufferedReader in;

        RunReader(Path run) {
            try {
                this.in = Files.newBufferedReader(run, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read back a temporary file of the replay", e);
            }
        }

        Entry next() {
            try {
                String line = in.readLine();
                if (line == null) {
                    return null;
                }
                int tab = line.indexOf('\t');
                int second = line.indexOf('\t', tab + 1); // compact JSON holds no raw tab
                String event = second < 0 ? line.substring(tab + 1) : line.substring(tab + 1, second);
                String record = second < 0 ? null : EventJson.mapper().readValue(line.substring(second + 1), String.class);
                return new Entry(Integer.parseInt(line, 0, tab, 10), EventJson.read(event), record);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read back a temporary file of the replay", e);
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // read-only; nothing is lost
            }
        }
    }
}
