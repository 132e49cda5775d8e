package io.itdr.connector.tck.memory;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Normalizes the memory platform's text records ({@code id;time;app}), one per line. Stateless. */
final class MemoryNormalizer implements EventNormalizer {

    /** The event of one record, or an IllegalArgumentException saying which field is wrong. */
    static IdentityEvent event(String record, String rawRef) {
        String[] f = record.split(";", -1);
        if (f.length != 3) {
            throw new IllegalArgumentException("expected id;time;app, got " + f.length + " fields");
        }
        Instant time;
        try {
            time = Instant.parse(f[1]);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time: not an ISO-8601 instant");
        }
        return IdentityEvent.builder(f[0], time, "memory", IdentityRef.of(f[2])).action("app.call").rawRef(rawRef).build();
    }

    @Override
    public void normalize(RawPayload payload, NormalizationSink sink) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(payload.body(), StandardCharsets.UTF_8))) {
            int line = 0;
            for (String record = in.readLine(); record != null; record = in.readLine()) {
                line++;
                String where = payload.name() + ":" + line;
                try {
                    sink.accept(event(record, where));
                } catch (IllegalArgumentException e) {
                    sink.reject(new Rejection(where, e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "reading " + payload.name() + " failed", e);
        }
    }
}
