package io.itdr.server.api;

import io.itdr.core.pipeline.Origin;
import io.itdr.server.config.ItdrProperties;
import io.itdr.server.connector.ConnectorRuntime;
import io.itdr.server.intake.Ingest;
import io.itdr.server.intake.IngestBacklog;
import io.itdr.server.security.Caller;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorKind;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Push ingest ({@code POST /api/v1/ingest/{connector}}): a raw platform payload (a webhook delivery,
 * a log export) in the connector's own format, streamed through that connector's normalizer into
 * the durable ingest backlog within the limits of {@code itdr.ingest.*} (see {@link Ingest}), and
 * answered 202 once its new events are stored; detection, decision and action run afterwards on
 * the server's own worker. A declared Content-Length beyond {@code max-payload} is refused before
 * reading; any other limit is checked while reading (413, or 429 when too many pushes run at once
 * or the backlog is full). Malformed records are counted as rejections and listed (the first 20);
 * the rest is accepted. {@code GET} on the same path tells how many events wait.
 *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/ingest")
public class IngestController {
    private final Ingest ingest;
    private final ConnectorRuntime connectors;
    private final IngestBacklog backlog;
    private final long maxBytes;

    public IngestController(Ingest ingest, ConnectorRuntime connectors, IngestBacklog backlog, ItdrProperties properties) {
        this.ingest = ingest;
        this.backlog = backlog;
        this.connectors = connectors;
        this.maxBytes = properties.ingest().maxPayload().toBytes();
    }

    /**
     * A form upload (multipart, urlencoded) wraps the payload in parts the normalizers do not read:
     * it answered 200 with nothing accepted. 415 says how to send it instead.
     */
    static void refuseForms(String contentType) {
        String type = contentType == null ? "" : contentType.strip().toLowerCase(java.util.Locale.ROOT);
        if (type.startsWith("multipart/") || type.startsWith("application/x-www-form-urlencoded")) {
            throw new ApiProblem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "a push carries the platform's payload "
                    + "itself as the request body (application/json, application/x-ndjson, application/gzip), not a form ("
                    + type.split(";", 2)[0] + ")", Map.of("contentType", type.split(";", 2)[0]));
        }
    }

    /** A token bound to one connector ({@code itdr token issue --connector}) pushes there only: 403 elsewhere, before anything is read. */
    private static void requireBinding(Caller caller, String connector) {
        if (!caller.mayPushTo(connector)) {
            throw new ApiProblem(HttpStatus.FORBIDDEN, "forbidden", "this token may push to connector '" + caller.connector()
                    + "' only", Map.of("connector", caller.connector()));
        }
    }

    /**
     * A connector's pushed events still waiting to be processed, and those set aside after failing
     * {@code itdr.ingest.max-attempts} times ({@code /ingest/{connector}/dead-letters}).
     */
    public record Backlog(String connectorId, long waiting, long deadLetters) {
    }

    @GetMapping("/{connector}")
    public Backlog backlog(@PathVariable String connector, @AuthenticationPrincipal Caller caller) {
        requireBinding(caller, connector);
        if (connectors.find(connector).isEmpty()) {
            throw new ApiProblem(HttpStatus.NOT_FOUND, "unknown-connector", "no running connector '" + connector + "'", Map.of());
        }
        return new Backlog(connector, backlog.size(connector), backlog.deadLetterCount(connector));
    }

    @PostMapping("/{connector}")
    @RequestBody(description = "the platform's own payload (a CloudTrail log file, an Okta event hook delivery, ...)", required = true,
            content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary")))
    public ResponseEntity<Ingest.Result> ingest(@PathVariable String connector, HttpServletRequest request,
                                                @AuthenticationPrincipal Caller caller) {
        requireBinding(caller, connector);
        if (connectors.find(connector).isEmpty()) {
            // before the body is read: no point reading megabytes for nobody
            throw new ApiProblem(HttpStatus.NOT_FOUND, "unknown-connector", "no running connector '" + connector + "'", Map.of());
        }
        refuseForms(request.getContentType());
        if (request.getContentLengthLong() > maxBytes) {
            throw new ApiProblem(HttpStatus.CONTENT_TOO_LARGE, "payload-too-large", "the payload is larger than the limit of " + maxBytes
                    + " bytes (" + Ingest.Limit.PAYLOAD_BYTES.property() + ")",
                    Map.of("maxBytes", maxBytes, "limit", maxBytes, "property", Ingest.Limit.PAYLOAD_BYTES.property()));
        }
        try (InputStream body = request.getInputStream()) {
            // the token that pushed is named in every finding, decision and action the payload leads to
            // 202: stored durably, processed (detect, decide, act) by the server's own worker after this answer
            return ResponseEntity.accepted().body(ingest.accept(connector, "push:" + connector, request.getContentType(), body,
                    Origin.pushedBy(caller.actor())));
        } catch (ConnectorException e) {
            if (e.kind() == ErrorKind.MALFORMED) {
                throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-payload", e.getMessage(), Map.of());
            }
            throw e;
        } catch (IOException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "unreadable-body", "the request body could not be read to its end", Map.of());
        }
    }
}
