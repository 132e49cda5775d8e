package io.itdr.server.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A connector that hangs holds its own bulkhead only, and its hung calls end as TIMEOUT (outcome unknown). */
class BulkheadedActionExecutorTest {
    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService callers = Executors.newCachedThreadPool();

    /** Plans hang until released; nothing else is used. */
    private final ActionExecutor hanging = new ActionExecutor() {
        @Override
        public Map<Rung, Reversibility> rungs() {
            return Map.of(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE);
        }

        @Override
        public ActionPlan plan(ActionRequest request) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new ConnectorException(ErrorCode.UNAVAILABLE, "released");
        }

        @Override
        public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Verification verify(ActionPlan plan) {
            throw new UnsupportedOperationException();
        }

        @Override
        public RevertResult revert(ActionPlan plan, boolean force) {
            throw new UnsupportedOperationException();
        }
    };

    @AfterEach
    void cleanUp() {
        release.countDown();
        callers.shutdownNow();
    }

    @Test
    void aHungCallEndsAsATimeoutWithUnknownOutcome() {
        try (BulkheadedActionExecutor executor = new BulkheadedActionExecutor("slow", hanging, Duration.ofMillis(200), 1)) {
            assertThatThrownBy(() -> executor.plan(null)).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
                assertThat(e.getMessage()).contains("connector slow did not finish plan within PT0.2S");
            });
        }
    }

    @Test
    void aFullBulkheadRefusesAtOnceAndOtherConnectorsAreUntouched() throws Exception {
        try (BulkheadedActionExecutor slow = new BulkheadedActionExecutor("slow", hanging, Duration.ofMinutes(5), 1);
             BulkheadedActionExecutor other = new BulkheadedActionExecutor("other", hanging, Duration.ofMinutes(5), 1)) {
            // one running and sixteen queued fill the bulkhead of one
            for (int i = 0; i < 17; i++) {
                callers.submit(() -> slow.plan(null));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (slow.inFlight() < 17 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(slow.inFlight()).isEqualTo(17);

            assertThatThrownBy(() -> slow.plan(null)).isInstanceOfSatisfying(ConnectorException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
            assertThat(other.inFlight()).isZero();
            assertThat(other.rungs()).containsKey(Rung.DISABLE_CREDENTIAL);
        }
    }
}
