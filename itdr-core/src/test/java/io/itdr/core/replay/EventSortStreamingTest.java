package io.itdr.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A streaming sort holds only what is out of order, and drains as the holding sort does. */
class EventSortStreamingTest {
    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    @TempDir
    Path dir;

    private static EventSort.Entry entry(int source, String id, long second) {
        return new EventSort.Entry(source, IdentityEvent.builder(id, T0.plusSeconds(second), "aws",
                IdentityRef.of("arn:aws:iam::1:user/a")).build(), "raw " + id + " @" + second);
    }

    /** Adds each segment, then drains reading the segments again; returns "id@second" in the order drained. */
    private static List<String> sortAndDrain(EventSort sort, List<List<EventSort.Entry>> segments) {
        for (int s = 0; s < segments.size(); s++) {
            sort.startSegment("segment-" + s);
            segments.get(s).forEach(e -> sort.add(e.source(), e.event(), e.record()));
        }
        List<String> out = new ArrayList<>();
        sort.drain((index, entries) -> segments.get(index).forEach(entries), e -> {
            assertThat(e.record()).as("the raw record travels with its event").isEqualTo("raw " + e.event().id() + " @"
                    + (e.event().time().getEpochSecond() - T0.getEpochSecond()));
            out.add(key(e));
        });
        return out;
    }

    private static String key(EventSort.Entry e) {
        return e.source() + ":" + e.event().id() + "@" + (e.event().time().getEpochSecond() - T0.getEpochSecond());
    }

    /** What any sort must give: all entries in (time, source, id) order, the first copy of each (source, id) only. */
    private static List<String> expected(List<List<EventSort.Entry>> segments) {
        List<EventSort.Entry> all = new ArrayList<>();
        segments.forEach(all::addAll);
        all.sort(EventSort.ORDER);
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (EventSort.Entry e : all) {
            if (seen.add(e.source() + ":" + e.event().id())) {
                out.add(key(e));
            }
        }
        return out;
    }

    @Test
    void inputInOrderStreamsWithoutBeingHeld() {
        // 20,000 events, in time order; events of one second come in any order (within the window)
        Random random = new Random(1);
        List<EventSort.Entry> events = new ArrayList<>();
        for (int second = 0; events.size() < 20_000; second++) {
            List<EventSort.Entry> same = new ArrayList<>();
            for (int k = random.nextInt(40); k >= 0; k--) {
                same.add(entry(0, "ev-" + random.nextInt(1_000_000_000), second));
            }
            Collections.shuffle(same, random);
            events.addAll(same);
        }
        try (EventSort sort = EventSort.streaming(100, dir)) {
            sort.startSegment("ordered");
            for (EventSort.Entry e : events) {
                sort.add(e.source(), e.event(), e.record());
                assertThat(sort.heldInMemory()).isZero();
            }
            sort.endSegment();
            assertThat(sort.streamedEvents()).isEqualTo(events.size());
            assertThat(sort.spilledRuns()).isZero();
            List<String> out = new ArrayList<>();
            sort.drain((index, entries) -> events.forEach(entries), e -> out.add(key(e)));
            assertThat(out).isEqualTo(expected(List.of(events)));
        }
        assertThat(dir.toFile().list()).as("nothing written to disk").isEmpty();
    }

    @Property(tries = 40)
    void anyOrderDrainsAsTheHoldingSort(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int memoryEvents,
                                        @ForAll @IntRange(min = 0, max = 2) int shape) throws Exception {
        Random random = new Random(seed);
        List<EventSort.Entry> events = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            events.add(entry(random.nextInt(2), "ev-" + i, random.nextInt(400)));
        }
        // exact duplicates (the same time) and copies at another time
        for (int i = 0; i < 30; i++) {
            EventSort.Entry e = events.get(random.nextInt(events.size()));
            events.add(i % 2 == 0 ? e : entry(e.source(), e.event().id(), random.nextInt(400)));
        }
        switch (shape) {
            case 0 -> Collections.shuffle(events, random); // no order
            case 1 -> events.sort(EventSort.ORDER.reversed()); // the worst order
            default -> { // nearly ordered: a few events far out of place
                events.sort(EventSort.ORDER);
                for (int i = 0; i < 20; i++) {
                    Collections.swap(events, random.nextInt(events.size()), random.nextInt(events.size()));
                }
            }
        }
        List<List<EventSort.Entry>> segments = List.of(events.subList(0, 200), events.subList(200, 200), events.subList(200, 630));
        Path spill = Files.createTempDirectory("sort-stream-"); // jqwik's tries get no @TempDir
        List<String> streamed;
        try (EventSort sort = EventSort.streaming(memoryEvents, spill)) {
            streamed = sortAndDrain(sort, segments);
            assertThat(sort.duplicates()).isEqualTo(630 - streamed.size());
        }
        List<String> held = new ArrayList<>();
        try (EventSort sort = new EventSort(memoryEvents, spill)) {
            segments.forEach(s -> s.forEach(e -> sort.add(e.source(), e.event(), e.record())));
            sort.drain(e -> held.add(key(e)));
        }
        assertThat(streamed).isEqualTo(expected(segments)).isEqualTo(held);
        try (Stream<Path> left = Files.list(spill)) {
            assertThat(left).as("temporary files deleted").isEmpty();
        }
        Files.delete(spill);
    }

    @Test
    void onlyWhatIsOutOfOrderIsHeld() {
        List<EventSort.Entry> events = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            events.add(entry(0, "ev-" + i, i));
        }
        // three events a day late: beyond the window, so they are held
        events.add(5_000, entry(0, "late-1", 10));
        events.add(7_000, entry(0, "late-2", 20));
        events.add(9_000, entry(0, "late-3", 30));
        try (EventSort sort = EventSort.streaming(1_000, dir)) {
            List<String> out = sortAndDrain(sort, List.of(events));
            assertThat(sort.streamedEvents()).isEqualTo(10_000);
            assertThat(out).isEqualTo(expected(List.of(events)));
            assertThat(out.subList(10, 14)).containsExactly("0:ev-10@10", "0:late-1@10", "0:ev-11@11", "0:ev-12@12");
        }
    }

    @Test
    void aSegmentThatReadsBackDifferentlyFailsTheDrain() {
        List<EventSort.Entry> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(entry(0, "ev-" + i, i));
        }
        try (EventSort sort = EventSort.streaming(10, dir)) {
            sort.startSegment("trail/file-1.json.gz");
            events.forEach(e -> sort.add(e.source(), e.event(), e.record()));
            List<EventSort.Entry> changed = new ArrayList<>(events);
            changed.set(50, entry(0, "other", 50));
            assertThatThrownBy(() -> sort.drain((index, entries) -> changed.forEach(entries), e -> { }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("trail/file-1.json.gz: changed while it was replayed (it read back other events than the first time)");
        }
        try (EventSort sort = EventSort.streaming(10, dir)) {
            sort.startSegment("appended");
            events.forEach(e -> sort.add(e.source(), e.event(), e.record()));
            List<EventSort.Entry> longer = new ArrayList<>(events);
            longer.add(entry(0, "ev-100", 100));
            assertThatThrownBy(() -> sort.drain((index, entries) -> longer.forEach(entries), e -> { }))
                    .hasMessageStartingWith("appended: changed while it was replayed");
        }
    }

    @Test
    void aDownstreamFailureIsNotSwallowedByAReaderThatCatches() {
        List<EventSort.Entry> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(entry(0, "ev-" + i, i));
        }
        try (EventSort sort = EventSort.streaming(10, dir)) {
            sort.startSegment("events.jsonl");
            events.forEach(e -> sort.add(e.source(), e.event(), e.record()));
            // a reader that turns every exception from its sink into a rejection, and goes on
            EventSort.Rereader catching = (index, entries) -> events.forEach(e -> {
                try {
                    entries.accept(e);
                } catch (RuntimeException ignored) {
                    // counted as a rejection
                }
            });
            Consumer<EventSort.Entry> failing = e -> {
                throw new IllegalArgumentException("ledger full");
            };
            assertThatThrownBy(() -> sort.drain(catching, failing)).hasMessage("ledger full");
        }
    }
}
