package io.itdr.server.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault row 14, a hanging poll: a poll call that does not answer is given up at its deadline, the
 * connector is reported hanging, no second call of it starts while the first still sits on the
 * platform (however often the scheduler ticks), another connector's polls go on meanwhile, and the
 * connector polls normally again once the platform answered.
 */
class BoundedPollTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private final AtomicInteger interrupts = new AtomicInteger();

    /** Sits on the first call until released, deaf to interrupts (as a blocking socket read is); answers at once after that. */
    private final TelemetrySource hanging = (cursor, max) -> {
        started.incrementAndGet();
        mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            while (true) {
                try {
                    release.await();
                    break;
                } catch (InterruptedException e) {
                    interrupts.incrementAndGet();
                }
            }
            return new TelemetryBatch(List.of(), List.of(), new Cursor("after-" + cursor.value()), false);
        } finally {
            running.decrementAndGet();
        }
    };

    private final TelemetrySource answering = (cursor, max) -> new TelemetryBatch(List.of(), List.of(), new Cursor("next"), false);

    private final BoundedPoll okta = new BoundedPoll("okta", Duration.ofSeconds(1));
    private final BoundedPoll aws = new BoundedPoll("aws", Duration.ofSeconds(10));

    @AfterEach
    void cleanUp() {
        release.countDown();
        okta.close();
        aws.close();
    }

    @Test
    void aHungPollIsGivenUpAtItsDeadlineAndNoSecondPollStartsUntilItReturns() throws Exception {
        assertThatThrownBy(() -> okta.poll(hanging, new Cursor("c1"), 100)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
            assertThat(e.getMessage()).contains("connector okta: the poll did not answer within PT1S (poll-timeout)");
        });
        assertThat(okta.hanging()).isTrue();
        assertThat(okta.timeouts()).isEqualTo(1);
        long interrupted = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (interrupts.get() == 0 && System.nanoTime() < interrupted) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(interrupts.get()).as("the hung call's thread was interrupted").isEqualTo(1);

        // the scheduler ticks on: every tick is refused at once, none reaches the platform
        for (int tick = 0; tick < 5; tick++) {
            long before = System.nanoTime();
            assertThatThrownBy(() -> okta.poll(hanging, new Cursor("c1"), 100)).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                assertThat(e.getMessage()).contains("has not returned yet; no other poll is started until it does");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - before)).as("refused without waiting").isLessThan(Duration.ofSeconds(5));
        }
        assertThat(started.get()).as("one call reached the platform").isEqualTo(1);
        assertThat(okta.timeouts()).isEqualTo(1);

        // the platform answers the hung call: its answer is discarded, the next poll is started and answered
        release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (okta.hanging() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        assertThat(okta.hanging()).isFalse();
        TelemetryBatch next = okta.poll(hanging, new Cursor("c1"), 100);
        assertThat(next.next().value()).isEqualTo("after-c1");
        assertThat(started.get()).isEqualTo(2);
        assertThat(mostAtOnce.get()).as("never two polls of one connector at once").isEqualTo(1);
    }

    @Test
    void anotherConnectorsPollsGoOnWhileOneHangs() {
        assertThatThrownBy(() -> okta.poll(hanging, new Cursor("c1"), 100)).isInstanceOf(ConnectorException.class);
        assertThat(okta.hanging()).isTrue();
        for (int i = 0; i < 20; i++) {
            assertThat(aws.poll(answering, Cursor.START, 100).next().value()).isEqualTo("next");
        }
        assertThat(aws.hanging()).isFalse();
        assertThat(aws.timeouts()).isZero();
        assertThat(okta.hanging()).as("still hanging: the other connector's polls did not release it").isTrue();
    }

    @Test
    void aFailureOfThePollIsPassedOnAsItIs() {
        ConnectorException refused = new ConnectorException(ErrorCode.THROTTLED, "slow down", Duration.ofSeconds(7), null);
        assertThatThrownBy(() -> aws.poll((cursor, max) -> {
            throw refused;
        }, Cursor.START, 10)).isSameAs(refused);
        assertThat(aws.hanging()).isFalse();
        assertThat(aws.poll(answering, Cursor.START, 10).next().value()).isEqualTo("next");
    }

    @Test
    void aDeadlineMustBePositive() {
        assertThatThrownBy(() -> new BoundedPoll("gcp", Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("itdr.connectors.gcp.poll-timeout must be positive");
    }
}
