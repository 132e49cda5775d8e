package io.itdr.spi.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NormalizationSinksTest {
    private static final IdentityEvent FIRST = event("evt-1");
    private static final IdentityEvent SECOND = event("evt-2");
    private static final Rejection BAD = new Rejection("file.json:3", "eventTime: not an instant");

    private static IdentityEvent event(String id) {
        return IdentityEvent.builder(id, Instant.parse("2026-11-01T10:00:00Z"), "example", IdentityRef.of("app-1")).build();
    }

    @Test
    void aCollectingSinkKeepsEventsWithTheirLocationsAndRejectionsInOrder() {
        CollectingSink sink = new CollectingSink();
        sink.accept(FIRST, "file.json:1");
        sink.reject(BAD);
        sink.accept(SECOND);
        assertThat(sink.events()).containsExactly(FIRST, SECOND);
        assertThat(sink.locations()).containsExactly("file.json:1", null);
        assertThat(sink.rejections()).containsExactly(BAD);
        assertThat(sink).hasToString("CollectingSink[2 events, 1 rejections]");
    }

    @Test
    void aCollectingSinkAnswersCopiesTheCallerCannotChange() {
        CollectingSink sink = new CollectingSink();
        sink.accept(FIRST, "here");
        List<IdentityEvent> events = sink.events();
        List<String> locations = sink.locations();
        sink.accept(SECOND, "there");
        assertThat(events).containsExactly(FIRST);
        assertThat(locations).containsExactly("here");
        assertThatThrownBy(() -> events.add(SECOND)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> locations.add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> sink.rejections().add(BAD)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aCollectingSinkRefusesNulls() {
        CollectingSink sink = new CollectingSink();
        assertThatThrownBy(() -> sink.accept(null)).isInstanceOf(NullPointerException.class).hasMessage("event");
        assertThatThrownBy(() -> sink.accept(null, "here")).isInstanceOf(NullPointerException.class).hasMessage("event");
        assertThatThrownBy(() -> sink.reject(null)).isInstanceOf(NullPointerException.class).hasMessage("rejection");
        assertThat(sink.events()).isEmpty();
        assertThat(sink.locations()).isEmpty();
    }

    @Test
    void aPassingSinkHandsEachRecordOnAsItComesWithItsLocationOrNull() {
        List<String> seen = new ArrayList<>();
        NormalizationSink sink = NormalizationSink.of((event, location) -> seen.add(event.id() + "@" + location),
                rejection -> seen.add("rejected " + rejection.location()));
        sink.accept(FIRST, "file.json:1");
        sink.reject(BAD);
        sink.accept(SECOND);
        assertThat(seen).containsExactly("evt-1@file.json:1", "rejected file.json:3", "evt-2@null");
    }

    @Test
    void aPassingSinkLetsWhatItsConsumersThrowThrough() {
        NormalizationSink sink = NormalizationSink.of((event, location) -> { }, rejection -> {
            throw new AssertionError(rejection.reason());
        });
        assertThatThrownBy(() -> sink.reject(BAD)).isInstanceOf(AssertionError.class).hasMessage("eventTime: not an instant");
    }

    @Test
    void aPassingSinkNeedsBothConsumers() {
        for (Runnable make : Arrays.<Runnable>asList(() -> NormalizationSink.of(null, r -> { }),
                () -> NormalizationSink.of((e, l) -> { }, null))) {
            assertThatThrownBy(make::run).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void recordsTravelBesideTheirEventsThroughEverySinkAndBatch() {
        String raw = "{\"eventName\":\"ListKeys\"}";
        CollectingSink sink = new CollectingSink();
        sink.accept(FIRST, "file.json:1", raw);
        sink.accept(SECOND, "file.json:2");
        assertThat(sink.records()).containsExactly(raw, null);

        TelemetryBatch batch = TelemetryBatch.of(sink, new Cursor("c"), false);
        assertThat(batch.record(0)).isEqualTo(raw);
        assertThat(batch.record(1)).isNull();
        assertThat(new TelemetryBatch(List.of(FIRST), List.of(), new Cursor("c"), false).record(0)).isNull();
        assertThatThrownBy(() -> new TelemetryBatch(List.of(FIRST, SECOND), List.of(), new Cursor("c"), false, List.of(raw)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("records has 1 entries for 2 events");

        List<String> seen = new ArrayList<>();
        NormalizationSink passing = NormalizationSink.withRecords(
                (event, location, record) -> seen.add(event.id() + "@" + location + "=" + record), r -> seen.add("rejected"));
        passing.accept(FIRST, "f:1", raw);
        passing.accept(SECOND, "f:2");
        passing.accept(FIRST);
        passing.reject(BAD);
        assertThat(seen).containsExactly("evt-1@f:1=" + raw, "evt-2@f:2=null", "evt-1@null=null", "rejected");

        List<String> old = new ArrayList<>();
        NormalizationSink withoutRecords = NormalizationSink.of((event, location) -> old.add(event.id() + "@" + location), r -> { });
        withoutRecords.accept(FIRST, "f:1", raw);
        assertThat(old).containsExactly("evt-1@f:1");
    }
}
