package io.itdr.server.connector;

import io.itdr.core.act.ExecutorRegistry;
import io.itdr.core.connect.ConnectorRegistry;
import io.itdr.core.connect.HostContext;
import io.itdr.core.connect.OutboundEndpoints;
import io.itdr.core.normalize.Printable;
import io.itdr.server.config.ItdrProperties;
import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.config.ConfigProblem;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.config.Secret;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The connectors this server runs: every plugin in the plugin folder ({@link Plugins}, each in its
 * own class loader) or on the class path, those enabled under
 * {@code itdr.connectors.<id>.enabled} created with their {@code config}, each action executor
 * behind its own bulkhead. Configuration is checked before anything starts: an unknown connector
 * id, an unknown, missing or malformed property stops start-up with every problem named by its
 * full property path; a plugin that cannot be loaded stops start-up naming its directory, jar,
 * class and reason. Thread-safe after construction.
 */
@Component
public class ConnectorRuntime implements DisposableBean {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorRuntime.class);

    /** One running connector. */
    public record Managed(String id, ConnectorFactory factory, Connector connector, ItdrProperties.Connector settings,
                          BulkheadedActionExecutor actions, ConnectorStatus status) {
        public Optional<BulkheadedActionExecutor> executor() {
            return Optional.ofNullable(actions);
        }
    }

    private final ConnectorRegistry registry;
    private final Map<String, Managed> running;

    /**
     * @param allowLoopback {@code itdr.endpoints.allow-loopback} (also as system property or environment variable
     *                      {@code ITDR_ENDPOINTS_ALLOW_LOOPBACK}): whether endpoints on this host itself are accepted
     *                      (the demo and tests, whose platforms are local simulations); see {@link OutboundEndpoints}
     */
    @Autowired
    public ConnectorRuntime(ItdrProperties properties, Clock clock, MeterRegistry meters,
                            @Value("${itdr.endpoints.allow-loopback:false}") boolean allowLoopback) {
        this(Plugins.locate(properties.plugins().dir()), properties, clock, meters, allowLoopback);
    }

    /** With loopback endpoints allowed as this process's system property or environment says. */
    public ConnectorRuntime(ItdrProperties properties, Clock clock, MeterRegistry meters) {
        this(properties, clock, meters, OutboundEndpoints.loopbackAllowed());
    }

    private ConnectorRuntime(Plugins plugins, ItdrProperties properties, Clock clock, MeterRegistry meters, boolean allowLoopback) {
        this(plugins.discover(), plugins.describe(), properties, clock, meters, allowLoopback);
    }

    ConnectorRuntime(ConnectorRegistry registry, ItdrProperties properties, Clock clock, MeterRegistry meters) {
        this(registry, "the class path", properties, clock, meters, OutboundEndpoints.loopbackAllowed());
    }

    private ConnectorRuntime(ConnectorRegistry registry, String where, ItdrProperties properties, Clock clock, MeterRegistry meters,
                             boolean allowLoopback) {
        this.registry = registry;
        if (!registry.problems().isEmpty()) {
            throw new PluginProblemsException(where, registry.problems());
        }
        registry.factories().keySet().forEach(id -> LOG.info("connector plugin {} found: {}", id, registry.origin(id).orElse(where)));
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, String>> configs = new TreeMap<>();
        properties.connectors().forEach((id, settings) -> {
            Optional<ConnectorFactory> factory = registry.factory(id);
            if (factory.isEmpty()) {
                problems.add("itdr.connectors." + id + ": no connector '" + id + "' is installed; installed: "
                        + registry.factories().keySet() + " (from " + where + ")");
                return;
            }
            if (!settings.enabled()) {
                return;
            }
            Map<String, String> config = resolveSecretReferences(id, factory.get(), canonicalKeys(factory.get(), settings.config()),
                    problems);
            for (ConfigProblem problem : new ConfigSchema(id, factory.get().configProperties()).check(config)) {
                problems.add("itdr.connectors." + id + ".config." + problem.property() + ": " + problem.reason());
            }
            // signed requests and tokens must not be steered to metadata services or this host (hardening issue, finding 6)
            problems.addAll(OutboundEndpoints.problems(id, factory.get().configProperties(), config, settings.endpoints(), allowLoopback));
            if (settings.actionConcurrency() < 1) {
                problems.add("itdr.connectors." + id + ".action-concurrency: must be at least 1, got " + settings.actionConcurrency());
            }
            if (settings.pollBatch() < 1) {
                problems.add("itdr.connectors." + id + ".poll-batch: must be at least 1, got " + settings.pollBatch());
            }
            if (settings.pollTimeout().isNegative() || settings.pollTimeout().isZero()) {
                problems.add("itdr.connectors." + id + ".poll-timeout: must be positive, got " + settings.pollTimeout());
            }
            configs.put(id, config);
        });
        if (!problems.isEmpty()) {
            throw new ConnectorConfigurationException(problems);
        }
        Map<String, Managed> created = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, Map<String, String>> entry : configs.entrySet()) {
                String id = entry.getKey();
                ItdrProperties.Connector settings = properties.connectors().get(id);
                HostContext context = new HostContext(clock, new HttpSettings(settings.connectTimeout(), settings.requestTimeout(),
                        settings.proxy(), settings.endpoints()), new MicrometerConnectorMetrics(meters, id), System::getenv);
                Connector connector;
                try {
                    connector = registry.create(id, entry.getValue(), context);
                } catch (RuntimeException e) {
                    throw new ConnectorConfigurationException(List.of("itdr.connectors." + id + ": the connector refused its "
                            + "configuration: " + e.getMessage()));
                } catch (LinkageError e) {
                    // a plugin directory missing one of its jars fails here, when the SDK is first touched
                    throw new ConnectorConfigurationException(List.of("itdr.connectors." + id + ": the plugin could not create "
                            + "the connector: " + e + " (" + registry.origin(id).orElse(where) + "; is a jar missing from its directory?)"));
                }
                BulkheadedActionExecutor actions = connector.capabilities().contains(Capability.ACTIONS)
                        ? new BulkheadedActionExecutor(id, lazyActions(connector), settings.actionTimeout(), settings.actionConcurrency())
                        : null;
                created.put(id, new Managed(id, registry.factory(id).orElseThrow(), connector, settings, actions, new ConnectorStatus(id)));
                LOG.info("connector {} started: {}", id, connector.capabilities());
            }
        } catch (RuntimeException e) {
            created.values().forEach(ConnectorRuntime::close);
            throw e;
        }
        this.running = Map.copyOf(created);
    }

    /** The connector's executor, asked for on each call: connectors may build their clients on first use. */
    private static ActionExecutor lazyActions(Connector connector) {
        return new DeferredActionExecutor(connector);
    }

    /**
     * Matches operator-written keys to the names the connector declares, so that environment
     * variables work: {@code ITDR_CONNECTORS_AWS_CONFIG_ACCESSKEYID} and
     * {@code itdr.connectors.aws.config.access-key-id} both reach {@code access-key-id}.
     */
    static Map<String, String> canonicalKeys(ConnectorFactory factory, Map<String, String> raw) {
        Map<String, String> declared = new TreeMap<>();
        for (ConfigProperty property : factory.configProperties()) {
            declared.put(squash(property.name()), property.name());
        }
        Map<String, String> config = new TreeMap<>();
        raw.forEach((key, value) -> config.put(declared.getOrDefault(squash(key), key), value));
        return config;
    }

    /**
     * Replaces a secret property's {@code env:VAR} or {@code file:/path} reference by the secret, so
     * that secrets stay out of configuration files and process arguments. A reference that
     * resolves to nothing is a problem named by its property; no secret value is ever quoted.
     */
    static Map<String, String> resolveSecretReferences(String id, ConnectorFactory factory, Map<String, String> config,
                                                       List<String> problems) {
        HostContext resolver = HostContext.of(Clock.systemUTC(), System.getenv());
        Map<String, String> resolved = new TreeMap<>(config);
        for (ConfigProperty property : factory.configProperties()) {
            String value = config.get(property.name());
            if (!property.secret() || value == null || !(value.startsWith("env:") || value.startsWith("file:"))) {
                continue;
            }
            try {
                Optional<Secret> secret = resolver.resolveSecret(value);
                if (secret.isPresent()) {
                    resolved.put(property.name(), secret.get().reveal());
                } else {
                    problems.add("itdr.connectors." + id + ".config." + property.name() + ": " + value
                            + " does not resolve (no such environment variable or readable file)");
                }
            } catch (RuntimeException e) {
                problems.add("itdr.connectors." + id + ".config." + property.name() + ": " + e.getMessage());
            }
        }
        return resolved;
    }

    private static String squash(String key) {
        return key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    public Collection<Managed> running() {
        return running.values();
    }

    public Optional<Managed> find(String id) {
        return Optional.ofNullable(running.get(id));
    }

    /** Every installed plugin, running or not. */
    public Map<String, ConnectorFactory> installed() {
        return registry.factories();
    }

    /** Action executors by platform (a connector acts on the platform it is named after). */
    public ExecutorRegistry executors() {
        return platform -> find(platform).flatMap(Managed::executor).map(ActionExecutor.class::cast);
    }

    @Override
    public void destroy() {
        running.values().forEach(ConnectorRuntime::close);
    }

    private static void close(Managed managed) {
        if (managed.actions() != null) {
            managed.actions().close();
        }
        try {
            managed.connector().close();
        } catch (RuntimeException e) {
            LOG.warn("connector {} did not close cleanly: {}", managed.id(), Printable.escape(e.getMessage()));
        }
    }
}
