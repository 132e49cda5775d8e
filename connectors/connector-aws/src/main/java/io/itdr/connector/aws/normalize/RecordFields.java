package io.itdr.connector.aws.normalize;

import static io.itdr.connector.support.JsonFields.child;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * AWS-specific lenient reads from a record's JSON tree (the shared ones are in
 * {@link io.itdr.connector.support.JsonFields}): a field that is missing, JSON null, blank or of an
 * unexpected kind reads as null, so optional fields never fail a record. Stateless.
 */
final class RecordFields {
    /** ISO 8601 basic notation, as CloudTrail writes {@code sessionContext.attributes.creationDate} ("20131102T010628Z"). */
    private static final DateTimeFormatter BASIC_INSTANT = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'", Locale.ROOT);

    private RecordFields() {
    }

    /** The field as text when it is a non-blank string, number or boolean, else null. */
    static String text(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null || value.isContainerNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    /**
     * A field named in camelCase in exports and EventBridge ({@code accessKeyDetails}) but in
     * PascalCase in SDK and CLI output ({@code AccessKeyDetails}): either spelling is accepted.
     */
    static JsonNode anyCase(JsonNode parent, String camelName) {
        JsonNode value = child(parent, camelName);
        return value != null ? value : child(parent, Character.toUpperCase(camelName.charAt(0)) + camelName.substring(1));
    }

    static String anyCaseText(JsonNode parent, String camelName) {
        JsonNode value = anyCase(parent, camelName);
        if (value == null || value.isContainerNode()) {
            return null;
        }
        String text = value.asText();
        return text.isBlank() ? null : text;
    }

    /** Follows {@link #anyCase} through nested objects; null as soon as one level is missing. */
    static JsonNode anyCasePath(JsonNode root, String... camelNames) {
        JsonNode node = root;
        for (String name : camelNames) {
            node = anyCase(node, name);
            if (node == null) {
                return null;
            }
        }
        return node;
    }

    /**
     * The form CloudTrail writes, {@code uuuu-MM-ddTHH:mm:ss[.f]Z} with 1 to 9 fraction digits, read
     * without a formatter; null for any other text (and for a leap second), which {@link Instant#parse}
     * then reads. Where this reads an instant, {@link Instant#parse} reads the same one.
     */
    static Instant isoZulu(String text) {
        int n = text.length();
        if (n < 20 || n == 21 || n > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        int nanos = 0;
        if (n > 20) {
            int fraction = digits(text, 20, n - 21);
            if (text.charAt(19) != '.' || fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 21; i < 9; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > java.time.Month.of(month).length(java.time.Year.isLeap(year))) {
            return null;
        }
        long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal number of {@code count} ASCII digits at {@code from}; -1 when one is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** Whether {@code text} holds a character regex {@code \\s} matches: space, tab, line feed, vertical tab, form feed, carriage return. */
    private static boolean hasWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    /**
     * An instant in any form CloudTrail and GuardDuty write: "2014-03-06T21:22:54Z",
     * "2021-04-22T17:53:27.612Z", an offset ("+00:00"), or ISO basic notation "20131102T010628Z".
     * Stray whitespace is ignored. Null when the text is null or none of these.
     */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        String compact = hasWhitespace(text) ? text.replaceAll("\\s+", "") : text;
        Instant usual = isoZulu(compact);
        if (usual != null) {
            return usual;
        }
        try {
            return Instant.parse(compact);
        } catch (DateTimeParseException notZulu) {
            try {
                return OffsetDateTime.parse(compact).toInstant();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(compact, BASIC_INSTANT).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notBasic) {
                    return null;
                }
            }
        }
    }
}
