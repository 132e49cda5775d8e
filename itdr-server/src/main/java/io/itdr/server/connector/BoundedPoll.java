package io.itdr.server.connector;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connector's telemetry polls behind a deadline and a bulkhead of one (fault row 14, a hanging
 * poll): each call of {@link TelemetrySource#poll} runs on this connector's own thread and is
 * given up after {@code poll-timeout} with {@link ErrorCode#TIMEOUT}. Its thread is interrupted
 * (an SDK that honours interrupts lets go; a blocking socket read does not) and its answer, should
 * it come later, is discarded: the caller did not move the cursor, so the next poll asks again from
 * where this one asked, and the intake drops what it stored before. While a given-up call still
 * sits on the platform, no second call is started ({@link ErrorCode#UNAVAILABLE} at once,
 * {@link #hanging()} true): a stuck platform never piles up polls of one connector, and the
 * scheduler's threads, which wait at most the deadline, stay free for the other connectors.
 *
 * <p>Thread-safe; one call at a time by construction.
 */
public final class BoundedPoll implements AutoCloseable {
    private final String connectorId;
    private final Duration timeout;
    private final ExecutorService thread;
    /** A call is running on the poll thread (set before it is handed over, cleared by the thread when the call returned). */
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The last call was given up at its deadline (it is hanging while {@link #busy} too). */
    private final AtomicBoolean overdue = new AtomicBoolean();
    private final AtomicLong timeouts = new AtomicLong();
    private volatile Thread runner;

    /**
     * @param connectorId the connector, for thread names and messages; never null
     * @param timeout     the longest one poll call may take ({@code itdr.connectors.<id>.poll-timeout}); positive
     */
    public BoundedPoll(String connectorId, Duration timeout) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("itdr.connectors." + connectorId + ".poll-timeout must be positive, got " + timeout);
        }
        this.thread = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "itdr-poll-" + connectorId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Polls {@code source} on this connector's thread and waits at most the deadline.
     *
     * @throws ConnectorException {@link ErrorCode#TIMEOUT} when the call did not answer in time,
     *         {@link ErrorCode#UNAVAILABLE} when an earlier call that timed out has still not
     *         returned (nothing is started then), or whatever the source threw
     */
    public TelemetryBatch poll(TelemetrySource source, Cursor cursor, int maxEvents) {
        if (!busy.compareAndSet(false, true)) {
            throw new ConnectorException(ErrorCode.UNAVAILABLE, "connector " + connectorId + ": a poll given up after " + timeout
                    + " (poll-timeout) has not returned yet; no other poll is started until it does");
        }
        overdue.set(false);
        CompletableFuture<TelemetryBatch> answer = new CompletableFuture<>();
        try {
            thread.execute(() -> {
                Thread.interrupted(); // an interrupt meant for the call before must not reach this one
                runner = Thread.currentThread();
                TelemetryBatch batch = null;
                Throwable failure = null;
                try {
                    batch = source.poll(cursor, maxEvents);
                } catch (Throwable e) {
                    failure = e;
                } finally {
                    // free before the answer is handed over: the caller may poll again as soon as it has it
                    runner = null;
                    busy.set(false);
                }
                if (failure == null) {
                    answer.complete(batch);
                } else {
                    answer.completeExceptionally(failure);
                }
            });
        } catch (RejectedExecutionException e) {
            busy.set(false);
            throw new ConnectorException(ErrorCode.UNAVAILABLE, "connector " + connectorId + " is stopping; poll not started", e);
        }
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            overdue.set(true);
            timeouts.incrementAndGet();
            Thread running = runner;
            if (running != null) {
                running.interrupt();
            }
            throw new ConnectorException(ErrorCode.TIMEOUT, "connector " + connectorId + ": the poll did not answer within " + timeout
                    + " (poll-timeout); its answer is discarded and the next poll asks again from the same cursor", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectorException(ErrorCode.TIMEOUT, "connector " + connectorId + ": waiting for the poll was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new ConnectorException(ErrorCode.INTERNAL, "connector " + connectorId + ": the poll failed: " + e.getCause(), e.getCause());
        }
    }

    /** Whether a poll call given up at its deadline is still running on the platform. */
    public boolean hanging() {
        return overdue.get() && busy.get();
    }

    /** Poll calls given up at their deadline since the server started. */
    public long timeouts() {
        return timeouts.get();
    }

    /** The deadline of one poll call. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
