package io.itdr.server.intake;

import io.itdr.core.normalize.EventJson;
import io.itdr.core.pipeline.Origin;
import io.itdr.server.config.ItdrProperties;
import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.spi.Capability;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Push ingest: a raw platform payload (webhook delivery, log export) through the connector's own
 * normalizer into the {@link IngestBacklog}, in bounded memory; the {@link IngestWorkers} run the
 * stored events through the engine (detect, decide, act) afterwards, so a pushing client waits for
 * storage, never for containment. The payload is streamed: gzip is unpacked here and the bytes
 * counted before and after unpacking ({@code itdr.ingest.max-payload}, {@code max-unpacked}); the
 * records are counted ({@code max-records}); events are stored in chunks of {@value #CHUNK} while
 * the normalizer waits, and of the rejections only the count and the first {@value
 * #REJECTIONS_LISTED} are kept. At most {@code max-concurrent} pushes are normalized at once, and
 * none starts while {@code max-backlog} events wait to be processed (back-pressure: the sender
 * retries later instead of the server collecting). Before the answer, what was stored is forced to
 * the disk once (the push's group commit). A limit passed half-way stops reading: what was read
 * before it is stored and will be processed (sending it again counts it as duplicates), the rest is
 * not. Malformed records are rejected and counted, never fail the rest. Thread-safe.
 */
@Component
public class Ingest {
    /**
     * What a push stored: {@code accepted} new events (durably stored, processed after the answer),
     * {@code duplicates} (stored or waiting before), {@code rejected} records ({@code rejections}
     * lists the first few), and {@code backlog}, the connector's events waiting to be processed
     * after this push.
     */
    public record Result(String connectorId, int accepted, int duplicates, int rejected, List<Rejection> rejections, long backlog) {
    }

    /** No running connector takes pushes under this id. */
    public static class UnknownConnectorException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownConnectorException(String message) {
            super(message);
        }
    }

    /** Which limit a push passed. */
    public enum Limit {
        /** {@code itdr.ingest.max-payload}: bytes as sent. */
        PAYLOAD_BYTES("itdr.ingest.max-payload"),
        /** {@code itdr.ingest.max-unpacked}: bytes after gzip is unpacked. */
        UNPACKED_BYTES("itdr.ingest.max-unpacked"),
        /** {@code itdr.ingest.max-records}: events plus rejections. */
        RECORDS("itdr.ingest.max-records"),
        /** {@code itdr.ingest.max-concurrent}: pushes normalized at once. */
        CONCURRENT("itdr.ingest.max-concurrent"),
        /** {@code itdr.ingest.max-backlog}: pushed events waiting to be processed. */
        BACKLOG("itdr.ingest.max-backlog");

        private final String property;

        Limit(String property) {
            this.property = property;
        }

        /** The setting that sets this limit. */
        public String property() {
            return property;
        }
    }

    /**
     * A push passed one of the ingest limits; {@code processed} is what was processed before
     * (nothing for {@link Limit#CONCURRENT} and {@link Limit#BACKLOG}, refused before reading).
     */
    public static class LimitExceededException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Limit limit;
        private final long value;
        private final transient Result processed;

        LimitExceededException(Limit limit, long value, String message, Result processed) {
            super(message);
            this.limit = limit;
            this.value = value;
            this.processed = processed;
        }

        public Limit limit() {
            return limit;
        }

        /** The limit's value (bytes, records or pushes). */
        public long value() {
            return value;
        }

        public Result processed() {
            return processed;
        }
    }

    static final int CHUNK = 500;
    static final int REJECTIONS_LISTED = 20;
    /** The longest event id the backlog and the event store hold ({@code event_id VARCHAR(500)}). */
    static final int MAX_EVENT_ID = 500;

    private final ConnectorRuntime connectors;
    private final EventIntake intake;
    private final IngestGate gate;
    private final IngestBacklog backlog;
    private final IngestWorkers workers;
    private final Clock clock;
    private final long maxPayload;
    private final long maxUnpacked;
    private final int maxRecords;
    private final long maxBacklog;

    public Ingest(ConnectorRuntime connectors, EventIntake intake, IngestGate gate, IngestBacklog backlog, IngestWorkers workers, Clock clock,
                  ItdrProperties properties) {
        this.connectors = connectors;
        this.intake = intake;
        this.gate = gate;
        this.backlog = backlog;
        this.workers = workers;
        this.clock = clock;
        this.maxPayload = properties.ingest().maxPayload().toBytes();
        this.maxUnpacked = properties.ingest().maxUnpacked().toBytes();
        this.maxRecords = properties.ingest().maxRecords();
        this.maxBacklog = properties.ingest().maxBacklog();
    }

    /**
     * Normalizes one pushed payload and stores its new events for processing; returns once they
     * are durably stored.
     *
     * @throws UnknownConnectorException when no running connector normalizes pushes under this id
     * @throws LimitExceededException    when a limit was passed (see the class comment)
     * @throws io.itdr.spi.ConnectorException from the normalizer when the payload cannot be read at all
     */
    public Result accept(String connectorId, String name, String mediaType, InputStream body) {
        return accept(connectorId, name, mediaType, body, Origin.pushedBy(name));
    }

    /**
     * As {@link #accept(String, String, String, InputStream)}, naming who pushed the payload
     * ({@code origin}) in the findings and ledger entries it leads to.
     */
    public Result accept(String connectorId, String name, String mediaType, InputStream body, Origin origin) {
        Objects.requireNonNull(origin, "origin");
        ConnectorRuntime.Managed managed = connectors.find(connectorId).orElseThrow(() -> new UnknownConnectorException(
                "no running connector '" + connectorId + "'; running: " + connectors.running().stream().map(ConnectorRuntime.Managed::id).toList()));
        EventNormalizer normalizer = normalizer(managed).orElseThrow(() -> new UnknownConnectorException(
                "connector '" + connectorId + "' does not normalize pushed payloads"));
        try (IngestGate.Place place = gate.tryEnter().orElseThrow(() -> new LimitExceededException(Limit.CONCURRENT, gate.limit(),
                gate.limit() + " pushes are being processed already; send again later", null))) {
            long waiting = backlog.size();
            if (waiting >= maxBacklog) {
                throw new LimitExceededException(Limit.BACKLOG, maxBacklog, waiting + " pushed events are waiting to be processed (the limit is "
                        + maxBacklog + ", " + Limit.BACKLOG.property() + "); send again later", null);
            }
            BoundedStream sent = new BoundedStream(body, maxPayload);
            BoundedStream unpacked = new BoundedStream(new Unpacking(sent), maxUnpacked);
            Chunks chunks = new Chunks(connectorId, unpacked, origin);
            RuntimeException normalizerFailure = null;
            try {
                try {
                    normalizer.normalize(new RawPayload(name, mediaType, unpacked), chunks);
                } catch (RuntimeException e) {
                    normalizerFailure = e;
                }
                if (chunks.failure != null) {
                    throw chunks.failure; // storage failed: what the normalizer made of it does not matter
                }
                Limit passed = sent.exceeded() ? Limit.PAYLOAD_BYTES : unpacked.exceeded() ? Limit.UNPACKED_BYTES
                        : chunks.tooMany ? Limit.RECORDS : null;
                if (passed == null && normalizerFailure != null) {
                    managed.status().pushed(chunks.accepted, chunks.rejected);
                    throw normalizerFailure;
                }
                chunks.flush();
                if (chunks.accepted > 0) {
                    backlog.sync(); // before the answer: what it counts as accepted survives a power loss
                }
                managed.status().pushed(chunks.accepted, chunks.rejected);
                intake.rejected(connectorId, chunks.rejected, chunks.rejections);
                Result result = new Result(connectorId, chunks.accepted, chunks.duplicates, chunks.rejected, List.copyOf(chunks.rejections),
                        backlog.size(connectorId));
                if (passed != null) {
                    throw exceeded(passed, result);
                }
                return result;
            } finally {
                if (chunks.accepted > 0) {
                    workers.wake(connectorId); // whatever was stored is processed, whatever the answer
                }
            }
        }
    }

    private LimitExceededException exceeded(Limit limit, Result processed) {
        String done = "; the " + processed.accepted() + " new event(s) read before it are stored and will be processed ("
                + processed.rejected() + " rejection(s)), nothing after it";
        return switch (limit) {
            case PAYLOAD_BYTES -> new LimitExceededException(limit, maxPayload,
                    "the payload is larger than the limit of " + maxPayload + " bytes (" + limit.property() + ")" + done, processed);
            case UNPACKED_BYTES -> new LimitExceededException(limit, maxUnpacked,
                    "the payload unpacks to more than the limit of " + maxUnpacked + " bytes (" + limit.property() + ")" + done, processed);
            case RECORDS -> new LimitExceededException(limit, maxRecords,
                    "the payload has more than the limit of " + maxRecords + " records (" + limit.property() + "); send it in parts" + done,
                    processed);
            case CONCURRENT, BACKLOG -> throw new IllegalArgumentException("not a limit of the payload: " + limit);
        };
    }

    /** Stores events in chunks and counts; stops the payload's stream at the record limit or a storage failure. */
    private final class Chunks implements NormalizationSink {
        private final String connectorId;
        private final BoundedStream stream;
        private final Origin origin;
        private final List<IdentityEvent> events = new ArrayList<>(CHUNK);
        private final List<String> records = new ArrayList<>(CHUNK);
        private final List<Rejection> rejections = new ArrayList<>();
        private long seen;
        private int accepted;
        private int duplicates;
        private int rejected;
        private boolean tooMany;
        private RuntimeException failure;

        Chunks(String connectorId, BoundedStream stream, Origin origin) {
            this.connectorId = connectorId;
            this.stream = stream;
            this.origin = origin;
        }

        @Override
        public void accept(IdentityEvent event) {
            accept(event, null, null);
        }

        @Override
        public void accept(IdentityEvent event, String location) {
            accept(event, location, null);
        }

        @Override
        public void accept(IdentityEvent event, String location, String record) {
            Objects.requireNonNull(event, "event");
            if (event.id().length() > MAX_EVENT_ID) {
                // a platform id this long is hostile; stored, it would fail the whole chunk
                reject(new Rejection(location == null || location.isBlank() ? "record " + (seen + 1) : location,
                        "event id longer than " + MAX_EVENT_ID + " characters (" + event.id().length() + ")"));
                return;
            }
            String overlong = EventJson.overlong(event);
            if (overlong != null) {
                // the backlog and the event store keep the event as EventJson, which refuses such a text when read back
                reject(new Rejection(location == null || location.isBlank() ? "record " + (seen + 1) : location,
                        overlong + " longer than " + EventJson.MAX_STRING + " characters"));
                return;
            }
            if (!counted()) {
                return;
            }
            events.add(event);
            records.add(record);
            if (events.size() >= CHUNK) {
                try {
                    flush();
                } catch (RuntimeException e) {
                    failure = e;
                    stream.stop();
                    throw e;
                }
            }
        }

        @Override
        public void reject(Rejection rejection) {
            Objects.requireNonNull(rejection, "rejection");
            if (!counted()) {
                return;
            }
            rejected++;
            if (rejections.size() < REJECTIONS_LISTED) {
                rejections.add(rejection);
            }
        }

        /** False, and reading stopped, once the record limit is passed or storage failed. */
        private boolean counted() {
            if (failure != null || tooMany) {
                return false;
            }
            if (++seen > maxRecords) {
                tooMany = true;
                stream.stop();
                return false;
            }
            return true;
        }

        void flush() {
            if (events.isEmpty()) {
                return;
            }
            IngestBacklog.Added added = backlog.add(connectorId, events, records, origin, clock.instant());
            events.clear();
            records.clear();
            accepted += added.accepted();
            duplicates += added.duplicates();
        }
    }

    private static Optional<EventNormalizer> normalizer(ConnectorRuntime.Managed managed) {
        if (managed.connector().capabilities().contains(Capability.TELEMETRY_NORMALIZE)) {
            return Optional.of(managed.connector().normalizer());
        }
        ConnectorFactory factory = managed.factory();
        return factory.exportNormalizer();
    }
}
