package io.itdr.server.api;

import io.itdr.core.pipeline.Origin;
import io.itdr.server.config.ItdrProperties;
import io.itdr.server.intake.EventHookSecrets;
import io.itdr.server.intake.Ingest;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorKind;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A platform's event hook ({@code /api/v1/hooks/{connector}}), the URL registered at the platform,
 * e.g. an Okta event hook (https://developer.okta.com/docs/concepts/event-hooks/). Not behind the
 * API's bearer tokens (a platform cannot hold one): each delivery must carry the connector's shared
 * secret in its configured header ({@link EventHookSecrets}), else 401; a connector without a hook
 * secret has no hook (404).
 *
 * <ul>
 *   <li>{@code GET} with {@code X-Okta-Verification-Challenge}: Okta's one-time verification when the
 *       hook is registered; answered {@code {"verification":"<the header's value>"}}. It only echoes
 *       what it was sent and takes no events, so it is answered for any configured hook.</li>
 *   <li>{@code POST}: a delivery ({@code {"eventType":"com.okta.event_hook",…,"data":{"events":[…]}}}),
 *       normalized by the connector and run through the engine as {@code POST /api/v1/ingest/{connector}}
 *       does, attributed to {@code hook:<connector>}.</li>
 * </ul>
 * Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/hooks")
public class EventHookController {
    /** The header of Okta's one-time verification request. */
    public static final String OKTA_CHALLENGE = "X-Okta-Verification-Challenge";

    private final EventHookSecrets secrets;
    private final Ingest ingest;
    private final long maxBytes;

    public EventHookController(EventHookSecrets secrets, Ingest ingest, ItdrProperties properties) {
        this.secrets = secrets;
        this.ingest = ingest;
        this.maxBytes = properties.ingest().maxPayload().toBytes();
    }

    @GetMapping("/{connector}")
    public Map<String, String> verify(@PathVariable String connector,
                                      @RequestHeader(name = OKTA_CHALLENGE, required = false) String challenge) {
        hook(connector);
        if (challenge == null || challenge.isBlank() || challenge.length() > 512) {
            throw ApiProblem.badInput(OKTA_CHALLENGE, "expected the verification challenge header of the event hook's registration");
        }
        return Map.of("verification", challenge);
    }

    @PostMapping("/{connector}")
    public Ingest.Result deliver(@PathVariable String connector, HttpServletRequest request) {
        EventHookSecrets.Hook hook = hook(connector);
        if (!EventHookSecrets.matches(hook, request.getHeader(hook.header()))) {
            // before the body is read; the answer never says what was expected
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "hook-unauthenticated",
                    "the delivery does not carry this hook's shared secret in its " + hook.header() + " header", Map.of());
        }
        IngestController.refuseForms(request.getContentType());
        byte[] payload = BoundedBody.read(request, maxBytes, "the delivery");
        try {
            return ingest.accept(connector, "hook:" + connector, request.getContentType(), new ByteArrayInputStream(payload),
                    Origin.pushedBy("hook:" + connector));
        } catch (ConnectorException e) {
            if (e.kind() == ErrorKind.MALFORMED) {
                throw new ApiProblem(HttpStatus.BAD_REQUEST, "malformed-payload", e.getMessage(), Map.of());
            }
            throw e;
        }
    }

    private EventHookSecrets.Hook hook(String connector) {
        return secrets.hook(connector).orElseThrow(() -> new ApiProblem(HttpStatus.NOT_FOUND, "no-hook",
                "no event hook is configured for connector '" + connector + "' (itdr.hooks." + connector + ".secret)", Map.of()));
    }
}
