package io.itdr.server;

import io.itdr.core.act.ActionSettings;
import io.itdr.core.act.KillSwitch;
import io.itdr.core.audit.LedgerCheckpointKeys;
import io.itdr.core.audit.LedgerCheckpoints;
import io.itdr.core.connect.HostContext;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLimits;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.enrich.InMemoryInventory;
import io.itdr.core.enrich.InventoryTagKeys;
import io.itdr.core.normalize.Printable;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.core.rules.sigma.SigmaDetector;
import io.itdr.core.rules.sigma.SigmaRules;
import io.itdr.server.config.ItdrProperties;
import io.itdr.server.config.StateSettings;
import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.server.response.Automation;
import io.itdr.server.response.PolicyActivation;
import io.itdr.server.store.JdbcActionStore;
import io.itdr.server.store.JdbcAutomationStore;
import io.itdr.server.store.JdbcCaseStore;
import io.itdr.server.store.JdbcCursorStore;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.query.PolicyVersionQueries;
import io.itdr.server.store.JdbcPolicyVersions;
import io.itdr.server.store.JdbcStateStore;
import io.itdr.spi.action.Reversibility;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.unit.DataSize;

/**
 * The server's composition root: the stores on the server's DataSource (migrated by Flyway
 * first), the policy and catalog (each loaded once, at start-up), and the engine assembled by the
 * core ({@link ResponseEngine}) over them and the running connectors.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(StateSettings.class)
public class ServerConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(ServerConfiguration.class);
    /** Who requests the actions the policy starts on its own, and restores expired quarantines. */
    public static final String SYSTEM_ACTOR = "system";

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcLedger ledger(DataSource dataSource, Clock clock) {
        return new JdbcLedger(dataSource, clock);
    }

    /**
     * Where the ledger's signed checkpoints go, with the keys resolved; only when
     * {@code itdr.ledger.checkpoint.dir} is set. The private key comes from a secret reference only.
     */
    @Bean
    @ConditionalOnProperty(prefix = "itdr.ledger.checkpoint", name = "dir")
    LedgerCheckpoints ledgerCheckpoints(ItdrProperties properties) {
        ItdrProperties.Checkpoint settings = properties.ledger().checkpoint();
        HostContext resolver = HostContext.of(Clock.systemUTC(), System.getenv());
        String keyReference = settings.key();
        if (keyReference == null || !(keyReference.startsWith("env:") || keyReference.startsWith("file:"))) {
            throw new IllegalStateException("itdr.ledger.checkpoint.key: set it to env:VAR or file:/path holding the Ed25519 "
                    + "private key (itdr ledger keygen writes one)");
        }
        PrivateKey privateKey;
        try {
            privateKey = LedgerCheckpointKeys.privateKey(resolver.resolveSecret(keyReference).orElseThrow(() -> new IllegalStateException(
                    "itdr.ledger.checkpoint.key: " + keyReference + " does not resolve (no such environment variable or readable file)"))
                    .reveal());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("itdr.ledger.checkpoint.key: " + e.getMessage());
        }
        PublicKey publicKey;
        String reference = settings.publicKey();
        if (reference == null || reference.isBlank()) {
            publicKey = LedgerCheckpointKeys.derivePublicKey(privateKey);
        } else {
            String text = reference.startsWith("env:") || reference.startsWith("file:")
                    ? resolver.resolveSecret(reference).orElseThrow(() -> new IllegalStateException(
                    "itdr.ledger.checkpoint.public-key: " + reference + " does not resolve")).reveal()
                    : reference;
            try {
                publicKey = LedgerCheckpointKeys.publicKey(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("itdr.ledger.checkpoint.public-key: " + e.getMessage());
            }
        }
        LOG.info("ledger checkpoints: every {} to {}", settings.interval(), settings.dir());
        return new LedgerCheckpoints(settings.dir(), privateKey, publicKey);
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcActionStore actionStore(DataSource dataSource) {
        return new JdbcActionStore(dataSource);
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcEventStore eventStore(DataSource dataSource, ItdrProperties properties) {
        String retention = properties.events().retention().toUpperCase(Locale.ROOT);
        try {
            return new JdbcEventStore(dataSource, JdbcEventStore.Retention.valueOf(retention));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("itdr.events.retention: expected full or digest, got '" + properties.events().retention() + "'");
        }
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcCaseStore caseStore(DataSource dataSource, ItdrProperties properties) {
        return new JdbcCaseStore(dataSource, properties.incidents().window());
    }

    /** Budgets, breakers, escalation history, incidents and detector state across restarts (table engine_state). */
    @Bean
    @DependsOnDatabaseInitialization
    JdbcStateStore stateStore(DataSource dataSource, Clock clock) {
        return new JdbcStateStore(dataSource, clock);
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcCursorStore cursorStore(DataSource dataSource) {
        return new JdbcCursorStore(dataSource);
    }

    @Bean
    KillSwitch killSwitch(JdbcLedger ledger, Clock clock) {
        return new KillSwitch(ledger, clock);
    }

    @Bean
    @DependsOnDatabaseInitialization
    Automation automation(KillSwitch killSwitch, DataSource dataSource) {
        return new Automation(killSwitch, new JdbcAutomationStore(dataSource), SYSTEM_ACTOR);
    }

    /**
     * Limits on loading a policy (issue #20): {@code itdr.policies.max-bytes} (default 1MB),
     * {@code max-rules} (1000), {@code max-compile-per-condition} (1s) and {@code max-compile-total} (10s).
     */
    @Bean
    PolicyLimits policyLimits(org.springframework.core.env.Environment environment) {
        PolicyLimits d = PolicyLimits.DEFAULTS;
        try {
            return new PolicyLimits(
                    environment.getProperty("itdr.policies.max-bytes", DataSize.class, DataSize.ofBytes(d.maxBytes())).toBytes(),
                    environment.getProperty("itdr.policies.max-rules", Integer.class, d.maxRules()),
                    environment.getProperty("itdr.policies.max-compile-per-condition", java.time.Duration.class, d.maxCompilePerCondition()),
                    environment.getProperty("itdr.policies.max-compile-total", java.time.Duration.class, d.maxCompileTotal()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("itdr.policies: " + e.getMessage());
        }
    }

    @Bean
    @DependsOnDatabaseInitialization
    JdbcPolicyVersions policyVersions(DataSource dataSource) {
        return new JdbcPolicyVersions(dataSource);
    }

    /**
     * The policy the server starts with: the newest version activated at run time (a restart keeps
     * what an admin activated), else {@code itdr.policy}, else the shipped default; refused at
     * start-up when invalid.
     */
    @Bean
    PolicyActivation.Startup startupPolicy(ItdrProperties properties, JdbcPolicyVersions versions, PolicyLimits limits, Clock clock) {
        Optional<PolicyVersionQueries.PolicyVersion> stored = versions.latest();
        if (stored.isPresent()) {
            PolicyVersionQueries.PolicyVersion v = stored.get();
            Policy policy = PolicyLoader.parse(v.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "activated policy version " + v.version(), limits);
            if (properties.policy() != null) {
                LOG.warn("itdr.policy {} is not used: the server runs policy version {} ({}), activated by {} at {}; activate the "
                        + "file through the API to run it", Printable.escape(properties.policy().toString()), v.version(), v.sha256(),
                        Printable.escape(v.activatedBy()), v.activatedAt());
            }
            return new PolicyActivation.Startup(policy, v.body(), v, clock.instant());
        }
        byte[] bytes;
        String source;
        if (properties.policy() == null) {
            bytes = PolicyLoader.defaultPolicyBytes();
            source = "classpath:" + PolicyLoader.DEFAULT_POLICY_RESOURCE;
        } else {
            Policy checked = PolicyLoader.load(properties.policy(), limits); // located problems, size checked before reading
            try {
                bytes = java.nio.file.Files.readAllBytes(properties.policy());
            } catch (java.io.IOException e) {
                throw new IllegalStateException("itdr.policy: cannot read " + properties.policy() + ": " + e.getMessage(), e);
            }
            if (!PolicyLoader.hash(bytes).equals(checked.ref().sha256())) {
                throw new IllegalStateException("itdr.policy: " + properties.policy() + " changed while it was read; start again");
            }
            return new PolicyActivation.Startup(checked, new String(bytes, java.nio.charset.StandardCharsets.UTF_8), null, clock.instant());
        }
        return new PolicyActivation.Startup(PolicyLoader.parse(bytes, source, limits),
                new String(bytes, java.nio.charset.StandardCharsets.UTF_8), null, clock.instant());
    }

    /** The policy the engine is assembled with (see {@link #startupPolicy}); the one in force later is the engine's. */
    @Bean
    Policy policy(PolicyActivation.Startup startup) {
        return startup.policy();
    }

    @Bean
    PolicyActivation policyActivation(ResponseEngine engine, JdbcPolicyVersions versions, Clock clock, PolicyLimits limits,
                                      PolicyActivation.Startup startup) {
        return new PolicyActivation(engine, versions, clock, limits, startup);
    }

    /** The identity catalog overlay: {@code itdr.catalog}, or none (every owner unknown). */
    @Bean
    IdentityCatalog catalog(ItdrProperties properties) {
        return properties.catalog() == null ? IdentityCatalog.empty() : IdentityCatalog.load(properties.catalog());
    }

    /** What the connectors' inventories say of identities, refreshed by the inventory job. */
    @Bean
    InMemoryInventory inventory() {
        return new InMemoryInventory();
    }

    /**
     * The engine: one policy and one budget over every connector, on the database's stores; its
     * budgets, breakers, escalation history, incidents and detector state restored from the last run.
     */
    @Bean
    ResponseEngine responseEngine(Policy policy, IdentityCatalog catalog, InMemoryInventory inventory, Clock clock, JdbcLedger ledger,
                                  JdbcActionStore actions, ConnectorRuntime connectors, KillSwitch killSwitch, ItdrProperties properties,
                                  SigmaRules rules, org.springframework.core.env.Environment environment, JdbcStateStore state,
                                  StateSettings stateSettings) {
        LOG.info("policy {} {} ({} rules, mode {}, sha256 {}); catalog {} ({} entries)", policy.ref().name(), policy.ref().version(),
                policy.rules().size(), policy.mode().policyName(), policy.ref().sha256(), catalog.sourceName(), catalog.size());
        return ResponseEngine.builder(policy, clock, ledger)
                .catalog(catalog)
                .inventory(inventory, InventoryTagKeys.defaults())
                .actions(actions)
                .executors(connectors.executors())
                .confirmers(platform -> connectors.find(platform).flatMap(managed -> managed.connector().findingConfirmer()))
                .rollbackPaths(rollbackPaths(connectors))
                .killSwitch(killSwitch)
                .actionSettings(new ActionSettings(properties.approvals().ttl(), SYSTEM_ACTOR))
                .addDetector(SigmaDetector.of(rules))
                .state(state, stateSettings.checkpointEvents())
                .detection(io.itdr.core.detect.DetectionSettings.defaults().tunedBy(policy.detectionTuning())
                        .withNetworkData(networkData(environment)))
                .build();
    }

    /**
     * The operator's network data files: {@code itdr.detection.network.asn-database} and
     * {@code location-database} (MaxMind-format .mmdb), {@code cloud-ranges} (comma-separated AWS
     * ip-ranges.json / Google cloud.json). None by default; an unreadable file stops the start.
     */
    static io.itdr.core.enrich.NetworkDirectory.Files networkData(org.springframework.core.env.Environment environment) {
        String asn = environment.getProperty("itdr.detection.network.asn-database");
        String location = environment.getProperty("itdr.detection.network.location-database");
        String[] ranges = environment.getProperty("itdr.detection.network.cloud-ranges", String[].class, new String[0]);
        java.util.List<java.nio.file.Path> rangeFiles = new java.util.ArrayList<>();
        for (String r : ranges) {
            if (!r.isBlank()) {
                rangeFiles.add(java.nio.file.Path.of(r.trim()));
            }
        }
        io.itdr.core.enrich.NetworkDirectory.Files files = new io.itdr.core.enrich.NetworkDirectory.Files(
                asn == null || asn.isBlank() ? null : java.nio.file.Path.of(asn),
                location == null || location.isBlank() ? null : java.nio.file.Path.of(location), rangeFiles);
        if (!files.isEmpty()) {
            LOG.info("network data: asn {}, location {}, cloud ranges {}", files.asnDatabase(), files.locationDatabase(),
                    files.cloudRanges());
        }
        return files;
    }

    /**
     * What the running connectors can undo, asked of their executors when a decision needs it (a
     * connector may build its client on first use); a platform whose connector does not run, or
     * cannot answer now, has no rollback path, so the guardrail holds.
     */
    private static RollbackPaths rollbackPaths(ConnectorRuntime connectors) {
        return (platform, rung) -> {
            try {
                return connectors.find(platform).flatMap(ConnectorRuntime.Managed::executor)
                        .map(executor -> executor.rungs().get(rung));
            } catch (RuntimeException e) {
                LOG.warn("connector {} cannot say which rungs it carries out: {}", platform, Printable.escape(e.getMessage()));
                return Optional.<Reversibility>empty();
            }
        };
    }

    /** One thread per running connector plus housekeeping: a poll that hangs holds only its own thread. */
    @Bean
    TaskScheduler taskScheduler(ConnectorRuntime connectors) {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(connectors.running().size() * 2 + 2);
        scheduler.setThreadNamePrefix("itdr-scheduler-");
        scheduler.setDaemon(true);
        return scheduler;
    }
}
