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
     * An instant in any form CloudTrail and GuardDuty write: "2014-03-06T21:22:54Z",
     * "2021-04-22T17:53:27.612Z", an offset ("+00:00"), or ISO basic notation "20131102T010628Z".
     * Stray whitespace is ignored. Null when the text is null or none of these.
     */
    static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        String compact = text.replaceAll("\\s+", "");
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
