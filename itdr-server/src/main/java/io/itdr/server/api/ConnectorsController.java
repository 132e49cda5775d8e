package io.itdr.server.api;

import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.server.connector.ConnectorStatus;
import io.itdr.spi.Capability;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.config.ConfigProperty;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Installed connector plugins (running or not), with their declared configuration (names, types,
 * whether required or secret, descriptions; never the configured values) and, for running ones,
 * their capabilities and status; and an on-demand health check of one connector's platform
 * connection, bounded by the connector's connect plus request timeout.
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/connectors")
public class ConnectorsController {
    private static final int MAX_CHECKS = 4;

    /** One declared configuration property: the declaration only, never a configured value. */
    public record Property(String name, String type, boolean required, boolean secret, String description, String defaultValue,
                           List<String> allowedValues) {
    }

    /** {@code capabilities} and {@code status} are null for a connector that is installed but not running. */
    public record Connector(String id, String displayName, String spiVersion, boolean running, Set<Capability> capabilities,
                            List<Property> configProperties, ConnectorStatus.View status) {
    }

    /** A health check's outcome; {@code code} and {@code error} only when unhealthy. */
    public record Health(String connectorId, boolean healthy, Instant checkedAt, long tookMillis, String code, String error) {
    }

    private final ConnectorRuntime connectors;
    private final Clock clock;
    private final ThreadPoolExecutor checks;

    public ConnectorsController(ConnectorRuntime connectors, Clock clock) {
        this.connectors = connectors;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        // a hanging platform holds one of few threads, never a request thread past the timeout
        this.checks = new ThreadPoolExecutor(0, MAX_CHECKS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "itdr-health-check-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @GetMapping
    public List<Connector> connectors() {
        return connectors.installed().values().stream().map(this::connector).toList();
    }

    @GetMapping("/{id}/health")
    public Health health(@PathVariable String id) {
        ConnectorRuntime.Managed managed = connectors.find(id).orElseThrow(() -> connectors.installed().containsKey(id)
                ? ApiProblem.conflict("connector-not-running", "connector '" + id + "' is installed but not enabled "
                        + "(itdr.connectors." + id + ".enabled=true)")
                : ApiProblem.notFound("connector", id));
        Duration timeout = managed.settings().connectTimeout().plus(managed.settings().requestTimeout());
        Instant started = clock.instant();
        Future<?> check;
        try {
            check = checks.submit(() -> managed.connector().checkHealth());
        } catch (RejectedExecutionException e) {
            throw new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "health-checks-busy", MAX_CHECKS + " health checks are running; "
                    + "try again shortly", Map.of());
        }
        try {
            check.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return health(id, started, null, null);
        } catch (TimeoutException e) {
            check.cancel(true);
            return health(id, started, "TIMEOUT", "no answer within " + timeout);
        } catch (InterruptedException e) {
            check.cancel(true);
            Thread.currentThread().interrupt();
            return health(id, started, "TIMEOUT", "interrupted while waiting for the platform");
        } catch (ExecutionException e) {
            return e.getCause() instanceof ConnectorException failure
                    ? health(id, started, failure.code().name(), failure.getMessage())
                    : health(id, started, "INTERNAL", "the connector failed: " + e.getCause().getClass().getSimpleName());
        }
    }

    @PreDestroy
    void stop() {
        checks.shutdownNow();
    }

    private Health health(String id, Instant started, String code, String error) {
        Instant now = clock.instant();
        return new Health(id, code == null, now, Duration.between(started, now).toMillis(), code, error);
    }

    private Connector connector(ConnectorFactory factory) {
        List<Property> properties = factory.configProperties().stream().map(ConnectorsController::property).toList();
        return connectors.find(factory.id())
                .map(managed -> new Connector(factory.id(), factory.displayName(), factory.spiVersion(), true,
                        managed.connector().capabilities(), properties, managed.status().view()))
                .orElseGet(() -> new Connector(factory.id(), factory.displayName(), factory.spiVersion(), false, null, properties, null));
    }

    private static Property property(ConfigProperty p) {
        return new Property(p.name(), p.type().name().toLowerCase(Locale.ROOT), p.required(), p.secret(), p.description(),
                p.secret() ? null : p.defaultValue(), p.allowedValues());
    }
}
