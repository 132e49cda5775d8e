package io.itdr.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw record travels with its event through the sort, in memory and through spilled runs. */
class EventSortRecordsTest {
    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");

    @TempDir
    Path dir;

    @Test
    void recordsSurviveSpillsIncludingLineBreaksTabsAndNone() {
        List<String> raws = new ArrayList<>();
        try (EventSort sort = new EventSort(2, dir)) {
            for (int i = 5; i >= 0; i--) {
                IdentityEvent e = IdentityEvent.builder("e-" + i, T0.plusSeconds(i), "aws", IdentityRef.of("arn:aws:iam::1:user/a")).build();
                String raw = i == 3 ? null : "{\"eventName\":\"Get\\tObject\",\n \"n\":" + i + "}";
                sort.add(0, e, raw);
            }
            assertThat(sort.spilledRuns()).isEqualTo(3);
            List<String> ids = new ArrayList<>();
            sort.drain(entry -> {
                ids.add(entry.event().id());
                raws.add(entry.record());
            });
            assertThat(ids).containsExactly("e-0", "e-1", "e-2", "e-3", "e-4", "e-5");
        }
        assertThat(raws.get(3)).isNull();
        assertThat(raws.get(4)).isEqualTo("{\"eventName\":\"Get\\tObject\",\n \"n\":4}");
        assertThat(raws.get(0)).endsWith("\"n\":0}");
    }
}
