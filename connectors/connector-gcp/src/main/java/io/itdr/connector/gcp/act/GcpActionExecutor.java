package io.itdr.connector.gcp.act;

import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotActionExecutor;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ExecutionResult;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.RevertResult;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Containment on Google Cloud IAM:
 * <ul>
 *   <li>disable_credential → a user-managed service account key disabled ↔ enabled (reversible, {@link KeyDisabling});</li>
 *   <li>disable_identity → the service account disabled ↔ enabled (reversible, {@link AccountDisabling});</li>
 *   <li>quarantine_session → the account's roles on its project, folders and organization removed ↔ given back, etag compare-and-swap
 *       (compensable, {@link BindingRemoval}).</li>
 * </ul>
 * Key deletion is not offered: a rung maps to one action and a decision cannot choose another on the same rung,
 * disable_credential is the reversible way to stop a key (a disabled key signs nothing in), and no rung above it
 * deletes (the connector's README says why in full). Other rungs refuse with the standard NOT_SUPPORTED error.
 *
 * <p>IAM changes take effect over minutes (https://cloud.google.com/iam/docs/access-change-propagation):
 * {@link #verify} reads the platform again until it shows the post-state, at most {@code attempts} reads
 * with waits doubling from {@code firstWait}, and its detail says how many reads it took. Execute,
 * revert and drift come from connector-support's {@link SnapshotActionExecutor}. Thread-safe.
 */
public final class GcpActionExecutor implements ActionExecutor {
    /** Waits between verification reads; replaced in tests. */
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final SnapshotActionExecutor executor;
    private final int attempts;
    private final Duration firstWait;
    private final Sleeper sleeper;

    /**
     * @param attempts  verification reads at most, at least 1
     * @param firstWait the wait after the first read that does not show the post-state; doubled after each
     * @param hierarchy whether quarantine_session also takes the roles on the folders and organization above the project
     */
    public GcpActionExecutor(String connectorId, GcpClients clients, Clock clock, int attempts, Duration firstWait, boolean hierarchy,
                             Sleeper sleeper) {
        Objects.requireNonNull(connectorId, "connectorId");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(clock, "clock");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
        }
        this.attempts = attempts;
        this.firstWait = Objects.requireNonNull(firstWait, "firstWait");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.executor = new SnapshotActionExecutor(RungDispatch.<PlannedAction>builder(connectorId)
                .rung(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE, new KeyDisabling(connectorId, clients, clock))
                .rung(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, new AccountDisabling(connectorId, clients, clock))
                .rung(Rung.QUARANTINE_SESSION, Reversibility.COMPENSABLE, new BindingRemoval(connectorId, clients, hierarchy, clock))
                .build());
    }

    @Override
    public Map<Rung, Reversibility> rungs() {
        return executor.rungs();
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        return executor.plan(request);
    }

    @Override
    public ExecutionResult execute(ActionPlan plan, String idempotencyKey) {
        return executor.execute(plan, idempotencyKey);
    }

    /** Reads until the post-state shows or the attempts are spent (IAM propagation), saying how many reads it took. */
    @Override
    public Verification verify(ActionPlan plan) {
        Duration wait = firstWait;
        Duration waited = Duration.ZERO;
        Verification v = executor.verify(plan);
        for (int read = 1; ; read++) {
            if (v.inPostState()) {
                return read == 1 ? v : new Verification(true, v.observed(),
                        "in the post-state at read " + read + " of " + attempts + ", after " + waited.toSeconds() + " s (IAM propagation)");
            }
            if (read == attempts) {
                return new Verification(false, v.observed(), v.detail() + " (still after " + read + " reads over "
                        + waited.toSeconds() + " s; IAM changes can take 7 minutes or more to show)");
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Verification(false, v.observed(), v.detail() + " (verification interrupted after " + read + " reads)");
            }
            waited = waited.plus(wait);
            wait = wait.multipliedBy(2);
            v = executor.verify(plan);
        }
    }

    @Override
    public RevertResult revert(ActionPlan plan, boolean force) {
        return executor.revert(plan, force);
    }

    @Override
    public String toString() {
        return "GcpActionExecutor[" + executor + ", verify " + attempts + " reads from " + firstWait + "]";
    }
}
