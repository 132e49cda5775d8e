package io.itdr.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeOrderTest {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    private static IdentityEvent at(String id, int minute) {
        return IdentityEvent.builder(id, T0.plus(Duration.ofMinutes(minute)), "aws", IdentityRef.of("u")).build();
    }

    @Test
    void jitterWithinTheWindowIsPutInOrder() {
        List<String> out = new ArrayList<>();
        TimeOrder order = new TimeOrder(Duration.ofMinutes(10), 100, e -> out.add(e.id()));
        for (IdentityEvent e : List.of(at("c", 3), at("a", 1), at("b", 2), at("e", 20), at("d", 12), at("f", 30))) {
            assertThat(order.offer(e)).isEqualTo(TimeOrder.Offer.HELD);
        }
        order.flush();
        assertThat(out).containsExactly("a", "b", "c", "d", "e", "f");
    }

    @Test
    void memoryHoldsOneWindowOfEvents() {
        List<String> out = new ArrayList<>();
        TimeOrder order = new TimeOrder(Duration.ofMinutes(5), 100, e -> out.add(e.id()));
        for (int m = 0; m < 1000; m++) {
            order.offer(at("e" + m, m));
            assertThat(order.heldCount()).isLessThanOrEqualTo(6);
        }
        order.flush();
        assertThat(out).hasSize(1000);
    }

    @Test
    void anEventOlderThanWhatWasReleasedIsLateAndADuplicateIdIsRefused() {
        List<String> out = new ArrayList<>();
        TimeOrder order = new TimeOrder(Duration.ofMinutes(10), 100, e -> out.add(e.id()));
        order.offer(at("a", 0));
        order.offer(at("b", 60));
        assertThat(out).containsExactly("a");
        IdentityEvent late = at("late", -5);
        assertThat(order.offer(late)).isEqualTo(TimeOrder.Offer.LATE);
        assertThat(order.behind(late)).isEqualTo(Duration.ofMinutes(5));
        assertThat(order.offer(at("b", 61))).isEqualTo(TimeOrder.Offer.DUPLICATE);
        order.flush();
        assertThat(out).containsExactly("a", "b");
    }
}
