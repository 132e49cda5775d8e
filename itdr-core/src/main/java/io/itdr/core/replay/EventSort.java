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
 * <p>A {@linkplain #streaming streaming} sort holds only what is out of order. Its input comes in
 * segments (one per input file) that can be read again: each segment's events pass a reorder
 * window of {@value #WINDOW} events (fewer when {@code memoryEvents} is smaller), and an event that
 * leaves the window no older than the last one kept joins the <em>streamed run</em>: it is counted
 * and forgotten. Only the others are held (and spilled) as above. {@link #drain(Rereader, Consumer)}
 * reads the segments that gave streamed events once more, picks the same events by the same rule,
 * and merges them with what was held: input already in time order (or within the window of it) is
 * never held, so it costs a second read instead of a heap that grows with the input. A segment that
 * reads back differently (other events, or in another order) stops the drain with an error.
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
 * run, the recent-id set, and when streaming the window. Disk: every held event once, as JSON.
 * {@link #close()} deletes the temporary files, whether or not {@link #drain} ran or failed.
 *
 * <p>Not thread-safe.
 */
final class EventSort implements Closeable {
    /** Ids remembered for duplicates whose copies differ in time. */
    static final int RECENT_IDS = 200_000;
    /** Events a streaming sort reorders per segment before it decides whether they join the streamed run. */
    static final int WINDOW = 4096;

    /** An event, the index of the source it came from, and its raw record (null when none). */
    record Entry(int source, IdentityEvent event, String record) {
        Entry(int source, IdentityEvent event) {
            this(source, event, null);
        }
    }

    /** Reads a segment again: hands each of its events, in the order of the first read, to {@code entries}. */
    interface Rereader {
        void reread(int segment, Consumer<Entry> entries);
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

    /** Null unless streaming. */
    private final Window window;
    /** Per segment: its name, and the count and digest of its streamed events. */
    private final List<Segment> segments = new ArrayList<>();
    private Segment segment;
    /** The newest event of the streamed run so far (while adding, then again while draining). */
    private Entry runLast;
    private long streamed;

    /**
     * A sort that holds every event (or spills it).
     *
     * @param memoryEvents events held in memory before a run is spilled; at least 1
     * @param spillParent  where the temporary directory is made; null for the system's ({@code java.io.tmpdir})
     */
    EventSort(int memoryEvents, Path spillParent) {
        this(memoryEvents, spillParent, false);
    }

    private EventSort(int memoryEvents, Path spillParent, boolean streaming) {
        if (memoryEvents < 1) {
            throw new IllegalArgumentException("memoryEvents must be at least 1: " + memoryEvents);
        }
        this.memoryEvents = memoryEvents;
        this.spillParent = spillParent;
        this.window = streaming ? new Window(Math.min(WINDOW, memoryEvents)) : null;
    }

    /** A sort that holds only what is out of order, its input in segments that are read again by {@link #drain(Rereader, Consumer)}. */
    static EventSort streaming(int memoryEvents, Path spillParent) {
        return new EventSort(memoryEvents, spillParent, true);
    }

    /** Starts the next segment (numbered from 0) of a streaming sort; {@code name} is for errors. */
    void startSegment(String name) {
        if (window == null) {
            throw new IllegalStateException("not a streaming sort");
        }
        endSegment();
        segment = new Segment(segments.size(), name);
        segments.add(segment);
    }

    /** Ends the current segment: what is left in the window is placed. */
    void endSegment() {
        if (segment == null) {
            return;
        }
        for (Entry e = window.poll(); e != null; e = window.poll()) {
            place(e);
        }
        streamed += segment.count;
        segment = null;
    }

    void add(int source, IdentityEvent event) {
        add(source, event, null);
    }

    /** Adds an event with its raw record (null when none), which the spill keeps beside it. */
    void add(int source, IdentityEvent event, String record) {
        Entry entry = new Entry(source, Objects.requireNonNull(event, "event"), record);
        if (window == null) {
            hold(entry);
            return;
        }
        if (segment == null) {
            throw new IllegalStateException("startSegment first");
        }
        Entry least = window.push(entry);
        if (least != null) {
            place(least);
        }
    }

    /** Whether the event joins the streamed run (it is only counted) or is held. */
    private void place(Entry e) {
        if (runLast == null || ORDER.compare(e, runLast) >= 0) {
            runLast = e;
            segment.count++;
            segment.digest = Segment.digest(segment.digest, e);
        } else {
            hold(e);
        }
    }

    private void hold(Entry entry) {
        if (inOrder && !buffer.isEmpty() && ORDER.compare(buffer.get(buffer.size() - 1), entry) > 0) {
            inOrder = false;
        }
        buffer.add(entry);
        if (buffer.size() >= memoryEvents) {
            spill();
        }
    }

    /** Events of the streamed run (not held) so far. */
    long streamedEvents() {
        return streamed + (segment == null ? 0 : segment.count);
    }

    /** Events held (in memory or spilled) so far: held in memory now, for tests. */
    int heldInMemory() {
        return buffer.size();
    }

    /** Whether segment {@code index} gave events to the streamed run (then {@link #drain} reads it again). */
    boolean streams(int index) {
        return segments.get(index).count > 0;
    }

    /** Runs spilled so far (for tests and the report). */
    int spilledRuns() {
        return runs.size();
    }

    /** Duplicates dropped by {@link #drain}. */
    long duplicates() {
        return duplicates;
    }

    /** Hands every event, in order and without duplicates, to {@code out}; once. For a sort that streamed nothing. */
    void drain(Consumer<Entry> out) {
        drain((index, entries) -> {
            throw new IllegalStateException("a streaming sort drains with a rereader");
        }, out);
    }

    /**
     * Hands every event, in order and without duplicates, to {@code out}; once. The streamed run is
     * read again from {@code rereader}, segment by segment (only those that gave it events).
     *
     * @throws IllegalStateException when a segment reads back other events than the first time
     */
    void drain(Rereader rereader, Consumer<Entry> out) {
        endSegment();
        sortBuffer();
        List<RunReader> readers = new ArrayList<>();
        try {
            for (Path run : runs) {
                readers.add(new RunReader(run));
            }
            Merge merge = new Merge(readers, out);
            runLast = null;
            for (Segment s : segments) {
                if (s.count == 0) {
                    continue;
                }
                Segment again = new Segment(s.index, s.name);
                Consumer<Entry> streamedAgain = e -> {
                    if (runLast == null || ORDER.compare(e, runLast) >= 0) {
                        runLast = e;
                        if (++again.count > s.count) {
                            throw changed(s);
                        }
                        again.digest = Segment.digest(again.digest, e);
                        merge.upTo(e);
                        merge.emit(e);
                    }
                };
                // what fails downstream (the intake, the ledger) fails the drain as itself, even where a
                // normalizer would turn an exception from its sink into a rejection
                RuntimeException[] failure = new RuntimeException[1];
                rereader.reread(s.index, entry -> {
                    if (failure[0] != null) {
                        throw failure[0];
                    }
                    try {
                        Entry least = window.push(entry);
                        if (least != null) {
                            streamedAgain.accept(least);
                        }
                    } catch (RuntimeException e) {
                        failure[0] = e;
                        throw e;
                    }
                });
                if (failure[0] != null) {
                    throw failure[0];
                }
                for (Entry e = window.poll(); e != null; e = window.poll()) {
                    streamedAgain.accept(e);
                }
                if (again.count != s.count || again.digest != s.digest) {
                    throw changed(s);
                }
            }
            merge.rest();
            buffer.clear();
        } finally {
            for (RunReader reader : readers) {
                reader.close();
            }
        }
    }

    private static IllegalStateException changed(Segment s) {
        return new IllegalStateException(s.name + ": changed while it was replayed (it read back other events than the first time)");
    }

    /** The k-way merge of the spilled runs and the events held in memory, with the dedupe. */
    private final class Merge {
        private final List<RunReader> readers;
        private final Consumer<Entry> out;
        private final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> {
            int c = ORDER.compare(a.entry, b.entry);
            return c != 0 ? c : Integer.compare(a.run, b.run);
        });
        private final int memoryRun;
        private final RecentIds recent = new RecentIds(RECENT_IDS);
        private int inMemory;

        Merge(List<RunReader> readers, Consumer<Entry> out) {
            this.readers = readers;
            this.out = out;
            for (int i = 0; i < readers.size(); i++) {
                Entry first = readers.get(i).next();
                if (first != null) {
                    heads.add(new Head(first, i));
                }
            }
            memoryRun = readers.size();
            if (!buffer.isEmpty()) {
                heads.add(new Head(buffer.get(inMemory), memoryRun));
                buffer.set(inMemory++, null);
            }
        }

        /** Emits the held events older than {@code bound}. */
        void upTo(Entry bound) {
            while (!heads.isEmpty() && ORDER.compare(heads.peek().entry, bound) < 0) {
                next();
            }
        }

        /** Emits every held event left. */
        void rest() {
            while (!heads.isEmpty()) {
                next();
            }
        }

        private void next() {
            Head head = heads.poll();
            emit(head.entry);
            Entry next;
            if (head.run == memoryRun) {
                next = inMemory < buffer.size() ? buffer.get(inMemory) : null;
                if (next != null) {
                    buffer.set(inMemory++, null); // released: the merge keeps only what it has not emitted
                }
            } else {
                next = readers.get(head.run).next();
            }
            if (next != null) {
                heads.add(new Head(next, head.run));
            }
        }

        void emit(Entry entry) {
            if (!recent.add(entry.source(), entry.event().id())) {
                duplicates++;
            } else {
                out.accept(entry);
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

    /** One segment of a streaming sort's input: how many events it gave to the streamed run, and a digest of their order. */
    private static final class Segment {
        final int index;
        final String name;
        long count;
        long digest;

        Segment(int index, String name) {
            this.index = index;
            this.name = name;
        }

        static long digest(long digest, Entry e) {
            long k = e.event().time().getEpochSecond() * 1_000_000_007L + e.event().time().getNano();
            k = k * 31 + e.source();
            k = k * 31 + e.event().id().hashCode();
            return (Long.rotateLeft(digest, 23) ^ k) * 0x9E3779B97F4A7C15L;
        }
    }

    /**
     * A small reorder window: the events in order in a sorted array (equal ones in arrival order), so
     * input already in order costs one comparison per event. More than {@code capacity} held: the
     * least leaves.
     */
    private static final class Window {
        private final int capacity;
        private final Entry[] items;
        private int head;
        private int tail;

        Window(int capacity) {
            this.capacity = capacity;
            this.items = new Entry[Math.max(2, capacity * 2)];
        }

        /** Adds {@code e}; returns the least event when more than the capacity are held, else null. */
        Entry push(Entry e) {
            if (capacity == 0) {
                return e;
            }
            int pos;
            if (head == tail || ORDER.compare(e, items[tail - 1]) >= 0) {
                pos = tail;
            } else {
                int lo = head;
                int hi = tail - 1; // items[tail - 1] sorts after e
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (ORDER.compare(items[mid], e) > 0) {
                        hi = mid;
                    } else {
                        lo = mid + 1;
                    }
                }
                pos = lo;
            }
            if (tail == items.length) {
                int size = tail - head;
                System.arraycopy(items, head, items, 0, size);
                java.util.Arrays.fill(items, size, tail, null);
                pos -= head;
                tail = size;
                head = 0;
            }
            System.arraycopy(items, pos, items, pos + 1, tail - pos);
            items[pos] = e;
            tail++;
            return tail - head > capacity ? poll() : null;
        }

        /** Removes and returns the least event; null when empty. */
        Entry poll() {
            if (head == tail) {
                return null;
            }
            Entry least = items[head];
            items[head++] = null;
            if (head == tail) {
                head = 0;
                tail = 0;
            }
            return least;
        }
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
