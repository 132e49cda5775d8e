package io.itdr.connector.aws.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.Cursor;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LookupPositionTest {
    static final Instant T = Instant.parse("2026-03-01T11:00:00Z");

    @Test
    void roundTripsThroughTheCursorTextWhateverTheIdsHoldAndInAStableForm() {
        LookupPosition position = new LookupPosition(T, Set.of("b2,x:y", "a1%20", "c3 d"));
        Cursor cursor = position.toCursor();
        assertThat(cursor.value()).startsWith("v1:" + T.toEpochMilli() + ":a1%2520,");
        assertThat(LookupPosition.of(cursor)).isEqualTo(position);
        assertThat(new LookupPosition(T, Set.of("c3 d", "a1%20", "b2,x:y")).toCursor()).isEqualTo(cursor);
        assertThat(LookupPosition.of(new LookupPosition(T, Set.of()).toCursor())).isEqualTo(new LookupPosition(T, Set.of()));
    }

    @Test
    void aCursorNotMadeHereIsRefusedSayingWhy() {
        assertThatThrownBy(() -> LookupPosition.of(new Cursor("v1:" + T.toEpochMilli() + ":%zz")))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CURSOR_INVALID);
                    assertThat(e.getMessage()).endsWith(": an event id is not URL-encoded");
                });
        assertThatThrownBy(() -> LookupPosition.of(new Cursor("2026-03-01T11:00:00Z")))
                .hasMessageEndingWith(": expected v1:<epoch millis>:<event ids>");
    }
}
