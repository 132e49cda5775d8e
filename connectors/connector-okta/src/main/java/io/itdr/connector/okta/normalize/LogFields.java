package io.itdr.connector.okta.normalize;

import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.decimal;
import static io.itdr.connector.support.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Okta-specific lenient reads from a LogEvent's JSON tree (the shared ones are in
 * {@link io.itdr.connector.support.JsonFields}): a field that is missing, JSON null, blank, of an
 * unexpected kind, or Okta's placeholders ({@code "null"}, {@code "unknown"} where the reader says
 * so) reads as null, so optional fields never fail a record. Stateless.
 */
final class LogFields {
    private LogFields() {
    }

    /**
     * Like {@link #text} but also null for the placeholders Okta writes where it knows nothing:
     * {@code "null"} (client.zone), {@code "unknown"}/{@code "UNKNOWN"} (actors of unauthenticated requests,
     * user agents of downloads).
     */
    static String known(JsonNode parent, String field) {
        String text = text(parent, field);
        if (text == null) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        return lower.equals("null") || lower.equals("unknown") ? null : text;
    }

    /** A whole number written as a JSON number or a string of digits; null otherwise. */
    static Long whole(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null) {
            return null;
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isTextual()) {
            String text = value.textValue().trim();
            if (text.matches("\\d{1,18}")) {
                return Long.parseLong(text);
            }
        }
        return null;
    }

    /** An RFC 3339 instant ("2017-09-31T22:23:07.777Z", or with an offset); null when the text is not one. */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notZulu) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException notOffset) {
                return null;
            }
        }
    }
}
