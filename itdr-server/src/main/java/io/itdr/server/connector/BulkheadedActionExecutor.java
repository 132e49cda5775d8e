package io.itdr.server.connector;

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
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connector's action executor behind its own bulkhead: every call runs on this connector's
 * bounded thread pool and is given up after a timeout, so a hanging platform stalls its own
 * actions only. A call that timed out reports {@link ErrorCode#TIMEOUT}: the engine then records
 * the action as unknown and settles it later by reading the platform (it never repeats an
 * execute blindly). A full bulkhead reports {@link ErrorCode#UNAVAILABLE}. Thread-safe.
 */
public final class BulkheadedActionExecutor implements ActionExecutor, AutoCloseable {
    private final String connectorId;
    private final ActionExecutor delegate;
    private final Duration timeout;
    private final ThreadPoolExecutor pool;

    public BulkheadedActionExecutor(String connectorId, ActionExecutor delegate, Duration timeout, int concurrency) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (concurrency < 1) {
            throw new IllegalArgumentException("itdr.connectors." + connectorId + ".action-concurrency must be at least 1, got " + concurrency);
        }
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(concurrency * 16),
                task -> {
                    Thread thread = new Thread(task, "itdr-action-" + connectorId + "-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public Map<Rung, Reversibility> rungs() {
        return delegate.rungs();
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        return call("plan", () -> delegate.plan(request));
    }

    @Override
    public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
        return call("execute", () -> delegate.execute(plan, idempotencyKey));
    }

    @Override
    public Verification verify(ActionPlan plan) {
        return call("verify", () -> delegate.verify(plan));
    }

    @Override
    public RevertResult revert(ActionPlan plan, boolean force) {
        return call("revert", () -> delegate.revert(plan, force));
    }

    /** Action steps running or waiting now. */
    public int inFlight() {
        return pool.getActiveCount() + pool.getQueue().size();
    }

    private <T> T call(String step, Callable<T> work) {
        Future<T> future;
        try {
            future = pool.submit(work);
        } catch (RejectedExecutionException e) {
            throw new ConnectorException(ErrorCode.UNAVAILABLE, "connector " + connectorId + " has " + inFlight()
                    + " action steps in flight (its bulkhead is full); " + step + " not started", e);
        }
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new ConnectorException(ErrorCode.TIMEOUT, "connector " + connectorId + " did not finish " + step + " within "
                    + timeout + "; its outcome is unknown", e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ConnectorException(ErrorCode.TIMEOUT, step + " on connector " + connectorId + " was interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ConnectorException(ErrorCode.INTERNAL, step + " on connector " + connectorId + " failed: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
