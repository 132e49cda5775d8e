package io.itdr.server.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything an operator sets under {@code itdr.*} (application.yaml, {@code --itdr.x=y}, or
 * environment variables such as {@code ITDR_CONNECTORS_AWS_ENABLED=true}).
 *
 * @param policy     the policy file; empty for the shipped default policy (shadow mode)
 * @param catalog    the identity catalog overlay (YAML); empty for none (every owner unknown)
 * @param events     what is kept of accepted events
 * @param incidents  how findings are grouped
 * @param approvals  how long a held action waits for a human
 * @param connectors per connector id: whether it runs and how it is configured
 * @param ingest     limits of the push endpoint
 * @param security   authentication
 * @param plugins    where connector plugins are loaded from
 * @param ledger     the audit ledger's signed checkpoints
 */
@ConfigurationProperties("itdr")
public record ItdrProperties(Path policy, Path catalog, @DefaultValue Events events, @DefaultValue Incidents incidents,
                            @DefaultValue Approvals approvals, Map<String, Connector> connectors,
                            @DefaultValue Ingest ingest, @DefaultValue Security security,
                            @DefaultValue Plugins plugins, @DefaultValue LedgerSettings ledger) {
    public ItdrProperties {
        connectors = connectors == null ? Map.of() : Map.copyOf(connectors);
    }

    /**
     * @param retention {@code full} keeps each event's normalized JSON (policy dry-runs read it);
     *                  {@code digest} keeps only its SHA-256
     * @param keep      how long accepted events are kept
     */
    public record Events(@DefaultValue("full") String retention, @DefaultValue("30d") Duration keep) {
    }

    /** @param window a finding joins its identity's incident when the incident saw a finding this recently */
    public record Incidents(@DefaultValue("24h") Duration window) {
    }

    /** @param ttl how long a held action waits for approval before it expires */
    public record Approvals(@DefaultValue("4h") Duration ttl) {
    }

    /**
     * One connector.
     *
     * @param enabled           off unless set
     * @param config            the connector's own properties, by the names it declares (see
     *                          {@code GET /api/v1/connectors}); secrets may be {@code env:VAR}
     * @param endpoints         endpoint overrides per platform service (private endpoints, sandboxes)
     * @param proxy             HTTP proxy; empty for none
     * @param connectTimeout    TCP connect timeout of platform calls
     * @param requestTimeout    timeout of one platform call
     * @param pollInterval      time between telemetry polls
     * @param pollBatch         most events fetched per poll
     * @param actionTimeout     longest an action step (plan, execute, verify, revert) may take before
     *                          it is treated as unknown and reconciled later
     * @param actionConcurrency most action steps running at once on this connector (its bulkhead)
     * @param pollTimeout       longest one telemetry poll call may take: then it is given up, the
     *                          connector reported down, and no other poll of it starts until the
     *                          hung call returned (a hanging platform stalls only its connector)
     */
    public record Connector(@DefaultValue("false") boolean enabled, Map<String, String> config, Map<String, URI> endpoints,
                            URI proxy, @DefaultValue("5s") Duration connectTimeout, @DefaultValue("30s") Duration requestTimeout,
                            @DefaultValue("60s") Duration pollInterval, @DefaultValue("500") int pollBatch,
                            @DefaultValue("30s") Duration actionTimeout, @DefaultValue("4") int actionConcurrency,
                            @DefaultValue("2m") Duration pollTimeout) {
        /** The default {@code poll-timeout}. */
        public static final Duration DEFAULT_POLL_TIMEOUT = Duration.ofMinutes(2);

        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public Connector {
            config = config == null ? Map.of() : Map.copyOf(config);
            endpoints = endpoints == null ? Map.of() : Map.copyOf(endpoints);
            pollTimeout = pollTimeout == null ? DEFAULT_POLL_TIMEOUT : pollTimeout;
        }

        /** With the default {@code poll-timeout}. */
        public Connector(boolean enabled, Map<String, String> config, Map<String, URI> endpoints, URI proxy, Duration connectTimeout,
                         Duration requestTimeout, Duration pollInterval, int pollBatch, Duration actionTimeout, int actionConcurrency) {
            this(enabled, config, endpoints, proxy, connectTimeout, requestTimeout, pollInterval, pollBatch, actionTimeout,
                    actionConcurrency, DEFAULT_POLL_TIMEOUT);
        }
    }

    /**
     * @param dir the plugin folder: one directory per connector, {@code <dir>/<id>/} holding the
     *            connector's jar and its dependencies, each loaded in a class loader of its own.
     *            Empty for the default: {@code plugins/} beside the distribution's jar when that
     *            directory exists, otherwise no folder (connectors on the class path only, for
     *            embedded use and tests). A folder that is set must exist.
     */
    public record Plugins(Path dir) {
    }

    /**
     * Limits of push ingest ({@code POST /api/v1/ingest/{connector}} and the event hooks), so that
     * no push can exhaust memory: the payload is streamed and its events handed on in chunks.
     *
     * @param maxPayload    largest raw payload as sent (413 beyond)
     * @param maxUnpacked   largest payload after gzip is unpacked, counted while unpacking (413
     *                      beyond; a compression bomb stops here)
     * @param maxRecords    most records (events plus rejections) one push may carry (413 beyond)
     * @param maxConcurrent most pushes normalized at once; one more is answered 429 with Retry-After
     * @param maxBacklog    most pushed events stored and waiting to be processed; while as many
     *                      wait, a push is answered 429 with Retry-After (back-pressure)
     * @param maxAttempts   failed processings of one pushed event (while the database takes
     *                      writes) after which it is moved to the dead letters and its connector's
     *                      later events go on
     * @param reorderWindow how far behind the newest event time of its connector an event may
     *                      arrive, in a later batch, and still be processed in time order; 0 (the
     *                      default) keeps each batch in time order and batches in arrival order
     * @param reorderMaxHold longest an event is held for the window, counted from when it was
     *                      received (so a quiet connector's last events go on); the window when unset
     */
    public record Ingest(@DefaultValue("10MB") DataSize maxPayload, @DefaultValue("256MB") DataSize maxUnpacked,
                         @DefaultValue("100000") int maxRecords, @DefaultValue("2") int maxConcurrent,
                         @DefaultValue("250000") long maxBacklog, @DefaultValue("5") int maxAttempts,
                         @DefaultValue("0s") Duration reorderWindow, Duration reorderMaxHold) {
        /** The default {@code max-attempts}. */
        public static final int DEFAULT_MAX_ATTEMPTS = 5;

        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public Ingest {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("itdr.ingest.max-attempts must be at least 1, not " + maxAttempts);
            }
            if (maxBacklog < 1) {
                throw new IllegalArgumentException("itdr.ingest.max-backlog must be at least 1, not " + maxBacklog);
            }
            if (maxRecords < 1) {
                throw new IllegalArgumentException("itdr.ingest.max-records must be at least 1, not " + maxRecords);
            }
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("itdr.ingest.max-concurrent must be at least 1, not " + maxConcurrent);
            }
            reorderWindow = reorderWindow == null ? Duration.ZERO : reorderWindow;
            reorderMaxHold = reorderMaxHold == null ? reorderWindow : reorderMaxHold;
            if (reorderWindow.isNegative()) {
                throw new IllegalArgumentException("itdr.ingest.reorder-window must not be negative, not " + reorderWindow);
            }
            if (reorderMaxHold.isNegative()) {
                throw new IllegalArgumentException("itdr.ingest.reorder-max-hold must not be negative, not " + reorderMaxHold);
            }
        }

        /** Whether events are held across batches to put them in time order. */
        public boolean reorders() {
            return !reorderWindow.isZero(); // with no window every batch is released whole at once
        }

        /** The given payload limit with the default unpacked, record, concurrency and backlog limits, and no reorder window. */
        public Ingest(DataSize maxPayload) {
            this(maxPayload, DataSize.ofMegabytes(256), 100_000, 2, 250_000, DEFAULT_MAX_ATTEMPTS, Duration.ZERO, null);
        }
    }

    /**
     * @param bootstrapAdminToken   an admin API token to create at start-up when none exists (else
     *                              one is generated and printed once); never logged
     * @param jwtRolesClaim         the JWT claim holding a person's itdr roles
     * @param jwtPrincipalClaim     the JWT claim naming the person (the actor in the ledger)
     * @param publicPaths           paths served without authentication besides health
     */
    public record Security(String bootstrapAdminToken, @DefaultValue("roles") String jwtRolesClaim,
                           @DefaultValue("sub") String jwtPrincipalClaim, List<String> publicPaths) {
        public Security {
            publicPaths = publicPaths == null ? List.of() : List.copyOf(publicPaths);
        }
    }

    /** @param checkpoint signed checkpoints of the ledger's head, kept outside the database */
    public record LedgerSettings(@DefaultValue Checkpoint checkpoint) {
    }

    /**
     * Signed checkpoints of the ledger's head (seq, hash, time, Ed25519 signature), written at an
     * interval and at shutdown to a directory outside the database, so that a ledger cut short or
     * wiped is reported by {@code GET /api/v1/ledger/verify} and {@code itdr ledger verify}.
     *
     * @param dir       the directory (one JSON file per checkpoint); unset turns checkpoints off
     * @param interval  time between checkpoints (one is written only when the head moved)
     * @param key       the Ed25519 private key (PKCS#8, PEM or base64) as {@code env:VAR} or
     *                  {@code file:/path}; never inline, never logged
     * @param publicKey the matching public key (X.509, PEM or base64), inline or as {@code env:VAR} /
     *                  {@code file:/path}; empty to derive it from the private key
     */
    public record Checkpoint(Path dir, @DefaultValue("5m") Duration interval, String key, String publicKey) {
    }
}
