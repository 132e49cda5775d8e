package io.itdr.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.telemetry.Rejection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SourceMergeTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private static SourceMerge.Reader source(String name, int first, int step, int count) {
        return sink -> {
            for (int i = 0; i < count; i++) {
                int second = first + i * step;
                sink.accept(new SourceMerge.Event(IdentityEvent.builder(name + "-" + second, T0.plusSeconds(second), name,
                        IdentityRef.of(name)).build(), name + ":" + (i + 1)));
                if (i == 1) {
                    sink.accept(new SourceMerge.Rejected(new Rejection(name + ":bad", "broken")));
                }
            }
        };
    }

    @Test
    void sourcesAreMergedByEventTimeAndRejectionsPassThrough() {
        List<String> out = new ArrayList<>();
        // More items than one queue holds, so the readers block and resume.
        SourceMerge.merge(List.of(source("a", 0, 3, 5000), source("b", 1, 3, 5000), source("c", 2, 3, 5000)), item -> {
            if (item instanceof SourceMerge.Event e) {
                out.add(e.event().id());
            } else if (item instanceof SourceMerge.Rejected r) {
                out.add("rejected " + r.rejection().location());
            }
        });
        List<String> events = out.stream().filter(s -> !s.startsWith("rejected")).toList();
        assertThat(events).hasSize(15000);
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i)).endsWith("-" + i);
        }
        assertThat(out).filteredOn(s -> s.startsWith("rejected")).containsExactlyInAnyOrder("rejected a:bad", "rejected b:bad", "rejected c:bad");
    }

    @Test
    void aSourceThatFailsStopsTheMergeWithItsErrorAfterTheOthersFinish() {
        List<String> out = new ArrayList<>();
        SourceMerge.Reader failing = sink -> {
            sink.accept(new SourceMerge.Event(IdentityEvent.builder("f-1", T0, "f", IdentityRef.of("f")).build(), "f:1"));
            throw new IllegalStateException("disk gone");
        };
        assertThatThrownBy(() -> SourceMerge.merge(List.of(failing, source("a", 0, 1, 10)), item -> {
            if (item instanceof SourceMerge.Event e) {
                out.add(e.event().id());
            }
        })).hasMessage("disk gone");
        assertThat(out).contains("f-1").hasSize(11);
    }
}
