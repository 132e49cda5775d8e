package io.itdr.server.intake;

import io.itdr.core.pipeline.Intake;
import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.spi.Capability;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Push ingest: a raw platform payload (webhook delivery, log export) through the connector's own
 * normalizer into the engine. Malformed records are rejected and counted, never fail the rest.
 */
@Component
public class Ingest {
    /** What a push led to; {@code rejections} lists the first few. */
    public record Result(String connectorId, int accepted, int duplicates, int rejected, int findings, List<Rejection> rejections) {
    }

    /** No running connector takes pushes under this id. */
    public static class UnknownConnectorException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownConnectorException(String message) {
            super(message);
        }
    }

    private static final int REJECTIONS_LISTED = 20;

    private final ConnectorRuntime connectors;
    private final EventIntake intake;
    public Ingest(ConnectorRuntime connectors, EventIntake intake) {
        this.connectors = connectors;
        this.intake = intake;
    }

    public Result accept(String connectorId, String name, String mediaType, InputStream body) {
        ConnectorRuntime.Managed managed = connectors.find(connectorId).orElseThrow(() -> new UnknownConnectorException(
                "no running connector '" + connectorId + "'; running: " + connectors.running().stream().map(ConnectorRuntime.Managed::id).toList()));
        EventNormalizer normalizer = normalizer(managed).orElseThrow(() -> new UnknownConnectorException(
                "connector '" + connectorId + "' does not normalize pushed payloads"));
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(new RawPayload(name, mediaType, body), sink);
        List<Rejection> rejections = sink.rejections();
        List<IdentityEvent> events = sink.events();
        Intake.BatchResult result = intake.accept(connectorId, events, rejections, sink.records());
        managed.status().pushed(result.accepted(), rejections.size());
        return new Result(connectorId, result.accepted(), result.duplicates(), rejections.size(), result.findings(),
                List.copyOf(rejections.subList(0, Math.min(REJECTIONS_LISTED, rejections.size()))));
    }

    private static Optional<EventNormalizer> normalizer(ConnectorRuntime.Managed managed) {
        if (managed.connector().capabilities().contains(Capability.TELEMETRY_NORMALIZE)) {
            return Optional.of(managed.connector().normalizer());
        }
        ConnectorFactory factory = managed.factory();
        return factory.exportNormalizer();
    }
}
