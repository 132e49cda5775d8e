package io.itdr.connector.example;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.Source;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Turns the example platform's audit events (API.md §3) into {@link IdentityEvent}s: one code
 * path for polled pages and for pushed or exported NDJSON (API.md §4), so a record always yields
 * the same event. Needs no configuration and never calls the platform, so it is also the
 * factory's export normalizer. Stateless and thread-safe.
 */
public final class ExampleEventNormalizer implements EventNormalizer {

    /** Connector id, and the platform of every event. */
    static final String PLATFORM = "example";

    /**
     * The event of one audit record.
     *
     * @param rawRef where the record was read, kept on the event
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    static IdentityEvent event(Json.Obj record, String rawRef) {
        String id = record.requiredString("id");
        Instant time;
        try {
            time = Instant.parse(record.requiredString("time"));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time: not an ISO-8601 instant");
        }
        String type = record.requiredString("type");
        IdentityRef app = new IdentityRef(record.requiredString("appId"), "service_app", record.string("appName").orElse(null));
        IdentityEvent.Builder event = IdentityEvent.builder(id, time, PLATFORM, app)
                .category(category(type))
                .action(type)
                .outcome(outcome(record.string("outcome").orElse(null)))
                .source(new Source(record.string("ip").orElse(null), null, null, null, record.string("userAgent").orElse(null), null))
                .rawRef(rawRef);
        record.string("keyId").ifPresent(key -> event.credential(new CredentialRef(key, "api_key")));
        record.string("scope").ifPresent(scope -> event.privilege(new PrivilegeChange(List.of(scope), type.endsWith(".granted"))));
        return event.build();
    }

    /** API.md §3, event types. */
    static EventCategory category(String type) {
        if (type.equals("app.token.issued")) {
            return EventCategory.AUTHENTICATION;
        }
        if (type.equals("app.api.call")) {
            return EventCategory.API_CALL;
        }
        if (type.startsWith("app.key.")) {
            return EventCategory.CREDENTIAL_CHANGE;
        }
        if (type.startsWith("app.scope.")) {
            return EventCategory.PRIVILEGE_CHANGE;
        }
        if (type.equals("app.created") || type.equals("app.enabled") || type.equals("app.disabled") || type.equals("app.deleted")) {
            return EventCategory.IDENTITY_CHANGE;
        }
        return EventCategory.OTHER;
    }

    private static Outcome outcome(String text) {
        if ("success".equals(text)) {
            return Outcome.SUCCESS;
        }
        return "failure".equals(text) ? Outcome.FAILURE : Outcome.UNKNOWN;
    }

    /** Normalizes one NDJSON export or webhook body, gzip-compressed or not, line by line. */
    @Override
    public void normalize(RawPayload payload, NormalizationSink sink) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(decompressed(payload.body()), StandardCharsets.UTF_8))) {
            int number = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                String where = payload.name() + ":line " + number;
                try {
                    sink.accept(event(Json.parseObject(line), where));
                } catch (IllegalArgumentException e) {
                    sink.reject(new Rejection(where, e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, payload.name() + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Gzip is recognised by its magic bytes, not by the payload's name. */
    private static InputStream decompressed(InputStream body) throws IOException {
        BufferedInputStream in = new BufferedInputStream(body);
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b ? new GZIPInputStream(in) : in;
    }

    @Override
    public String toString() {
        return "ExampleEventNormalizer";
    }
}
