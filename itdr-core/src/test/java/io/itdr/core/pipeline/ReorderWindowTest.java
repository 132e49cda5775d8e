package io.itdr.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reorder window on its own: what it holds, when it lets go, and what it calls late. */
class ReorderWindowTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    private static IdentityEvent at(String id, long seconds) {
        return IdentityEvent.builder(id, T0.plusSeconds(seconds), "memory", IdentityRef.of("svc-orders")).build();
    }

    private static ReorderWindow.Offer offer(ReorderWindow<String> window, IdentityEvent event, Instant receivedAt) {
        return window.offer(event, event.id(), receivedAt);
    }

    @Test
    void anEventBehindTheNewestByLessThanTheWindowIsPutInItsPlace() {
        ReorderWindow<String> window = new ReorderWindow<>(Duration.ofSeconds(30), Duration.ofSeconds(10));
        assertThat(offer(window, at("b", 20), NOW)).isEqualTo(ReorderWindow.Offer.HELD);
        assertThat(window.release(NOW)).isEmpty();
        assertThat(offer(window, at("a", 0), NOW)).as("a later batch, an older event").isEqualTo(ReorderWindow.Offer.HELD);
        assertThat(offer(window, at("c", 35), NOW)).isEqualTo(ReorderWindow.Offer.HELD);
        assertThat(window.release(NOW)).as("35 - 30 passes a only").containsExactly("a");
        assertThat(offer(window, at("d", 50), NOW)).isEqualTo(ReorderWindow.Offer.HELD);
        assertThat(window.release(NOW)).containsExactly("b");
        assertThat(window.held()).isEqualTo(2);
    }

    @Test
    void aQuietConnectorsLastEventsAreReleasedAfterTheHoldBound() {
        ReorderWindow<String> window = new ReorderWindow<>(Duration.ofMinutes(5), Duration.ofSeconds(2));
        offer(window, at("a", 0), NOW);
        offer(window, at("c", 60), NOW.plusSeconds(1));
        offer(window, at("b", 30), NOW.plusSeconds(1));
        assertThat(window.nextDeadline()).contains(NOW.plusSeconds(2));
        assertThat(window.release(NOW.plusMillis(1999))).isEmpty();
        assertThat(window.release(NOW.plusSeconds(2))).as("a's hold ran out").containsExactly("a");
        assertThat(window.nextDeadline()).contains(NOW.plusSeconds(3));
        assertThat(window.release(NOW.plusSeconds(3))).containsExactly("b", "c");
        assertThat(window.nextDeadline()).isEmpty();
    }

    @Test
    void anExpiredHoldReleasesTheEventsBeforeItTooSoOrderIsKept() {
        ReorderWindow<String> window = new ReorderWindow<>(Duration.ofMinutes(5), Duration.ofSeconds(2));
        offer(window, at("b", 30), NOW);
        offer(window, at("a", 0), NOW.plusSeconds(1)); // received later, older
        assertThat(window.release(NOW.plusSeconds(2))).containsExactly("a", "b");
    }

    @Test
    void anEventBehindWhatWasReleasedIsLateAndAHeldIdIsADuplicate() {
        ReorderWindow<String> window = new ReorderWindow<>(Duration.ofSeconds(30), Duration.ofMinutes(1));
        offer(window, at("a", 0), NOW);
        offer(window, at("b", 40), NOW);
        assertThat(window.release(NOW)).containsExactly("a");
        assertThat(offer(window, at("b", 40), NOW)).isEqualTo(ReorderWindow.Offer.DUPLICATE);
        assertThat(offer(window, at("a", 0), NOW)).as("a copy of a released event").isEqualTo(ReorderWindow.Offer.LATE);
        assertThat(offer(window, at("0", 0), NOW)).as("same time, an id before the released one").isEqualTo(ReorderWindow.Offer.LATE);
        assertThat(offer(window, at("z", 0), NOW)).as("same time, an id after it: still in order").isEqualTo(ReorderWindow.Offer.HELD);
        assertThat(window.releaseAll()).containsExactly("z", "b");
        assertThat(offer(window, at("y", 39), NOW)).isEqualTo(ReorderWindow.Offer.LATE);
    }

    @Test
    void aZeroWindowReleasesEachBatchWholeAndInOrder() {
        ReorderWindow<String> window = new ReorderWindow<>(Duration.ZERO, Duration.ZERO);
        offer(window, at("b", 20), NOW);
        offer(window, at("a", 0), NOW);
        assertThat(window.release(NOW)).containsExactly("a", "b");
        assertThat(offer(window, at("c", 10), NOW)).isEqualTo(ReorderWindow.Offer.LATE);
        assertThatThrownBy(() -> new ReorderWindow<String>(Duration.ofSeconds(-1), Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void heldEventsAreReturnedInTimeThenIdOrder() {
        ReorderWindow<String> window = new ReorderWindow<>(Duration.ofSeconds(10), Duration.ofMinutes(1));
        for (IdentityEvent event : List.of(at("m", 5), at("k", 5), at("x", 1), at("n", 100))) {
            offer(window, event, NOW);
        }
        assertThat(window.release(NOW)).containsExactly("x", "k", "m");
    }
}
