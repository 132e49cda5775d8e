package io.itdr.server.api;

import io.itdr.server.config.ItdrProperties;
import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.server.intake.Ingest;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorKind;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Push ingest ({@code POST /api/v1/ingest/{connector}}): a raw platform payload (a webhook delivery,
 * a log export) in the connector's own format, up to {@code itdr.ingest.max-payload} (413 beyond),
 * normalized by that connector and run through the engine before the answer. Malformed records
 * are counted as rejections and listed (the first 20); the rest is accepted.
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/ingest")
public class IngestController {
    private final Ingest ingest;
    private final ConnectorRuntime connectors;
    private final long maxBytes;

    public IngestController(Ingest ingest, ConnectorRuntime connectors, ItdrProperties properties) {
        this.ingest = ingest;
        this.connectors = connectors;
        this.maxBytes = properties.ingest().maxPayload().toBytes();
    }

    @PostMapping("/{connector}")
    @RequestBody(description = "the platform's own payload (a CloudTrail log file, an Okta event hook delivery, ...)", required = true,
            content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    public Ingest.Result ingest(@PathVariable String connector, HttpServletRequest request) {
        if (connectors.find(connector).isEmpty()) {
            // before the body is read: no point reading megabytes for nobody
            throw new ApiProblem(HttpStatus.NOT_FOUND, "unknown-connector", "no running connector '" + connector + "'", Map.of());
        }
        byte[] payload = BoundedBody.read(request, maxBytes, "the payload");
        try {
            return ingest.accept(connector, "push:" + connector, request.getContentType(), new ByteArrayInputStream(payload));
        } catch (ConnectorException e) {
            if (e.kind() == ErrorKind.MALFORMED) {
                throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-payload", e.getMessage(), Map.of());
            }
            throw e;
        }
    }
}
