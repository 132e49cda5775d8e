package io.itdr.connector.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;

/**
 * Lenient reads from a record's JSON tree shared by connectors: a field that is missing, JSON null
 * or of an unexpected kind reads as null, so optional fields never fail a record. Platform-specific
 * reads (how text is trimmed, which timestamp forms are accepted) stay in each connector.
 *
 * <p>Stateless and thread-safe. Every {@code parent} and {@code node} argument may be null.
 */
public final class JsonFields {
    private JsonFields() {
    }

    /** The field's value when it is present and not JSON null; null otherwise, or when {@code parent} is not an object. */
    public static JsonNode child(JsonNode parent, String field) {
        if (parent == null || !parent.isObject()) {
            return null;
        }
        JsonNode value = parent.get(field);
        return value == null || value.isNull() || value.isMissingNode() ? null : value;
    }

    /** The field when it is a JSON object, else null. */
    public static JsonNode object(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        return value != null && value.isObject() ? value : null;
    }

    /** The field as trimmed text when it is a non-blank string, number or boolean (as written); null otherwise. */
    public static String text(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null || value.isContainerNode()) {
            return null;
        }
        String text = value.asText().trim();
        return text.isEmpty() ? null : text;
    }

    /** A number written as a JSON number or a numeric string; null otherwise, and for NaN or infinity. */
    public static Double decimal(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null) {
            return null;
        }
        double d;
        if (value.isNumber()) {
            d = value.doubleValue();
        } else if (value.isTextual()) {
            try {
                d = Double.parseDouble(value.textValue().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        } else {
            return null;
        }
        return Double.isFinite(d) ? d : null;
    }

    /** A boolean written as JSON boolean or as the strings "true"/"false" (any case, trimmed); null otherwise. */
    public static Boolean bool(JsonNode parent, String field) {
        JsonNode value = child(parent, field);
        if (value == null) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        String text = value.isTextual() ? value.textValue().trim() : "";
        if (text.equalsIgnoreCase("true")) {
            return Boolean.TRUE;
        }
        return text.equalsIgnoreCase("false") ? Boolean.FALSE : null;
    }

    /**
     * At most {@code max} characters of {@code text} (then "…"), control characters replaced by '?',
     * for messages and attributes; null when {@code text} is null.
     */
    public static String clip(String text, int max) {
        if (text == null) {
            return null;
        }
        if (text.length() <= max && !hasControl(text)) {
            return text; // the common case: nothing to cut or replace
        }
        String shown = text.length() > max ? text.substring(0, max) + "…" : text;
        StringBuilder b = new StringBuilder(shown.length());
        shown.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    /** Whether a character of {@code text} is a control character (all of them are in the Basic Multilingual Plane). */
    private static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why JSON could not be read, for a rejection or an error a sender sees: Jackson's own message
     * (without its location) as {@link #reason(String, int)} makes it.
     */
    public static String reason(java.io.IOException e, int max) {
        return reason(e instanceof com.fasterxml.jackson.core.JacksonException j ? j.getOriginalMessage() : e.getMessage(), max);
    }

    /**
     * A parser's message without the Java names of its limits and settings ("exceeds the maximum
     * allowed (1000, from `StreamReadConstraints.getMaxNumberLength()`)" becomes "… allowed (1000)",
     * "REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)" "REDACTED"), at most
     * {@code max} characters as {@link #clip} makes them; "unreadable" when there is none.
     */
    public static String reason(String message, int max) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        String plain = message.replaceAll(", from `[^`]*`", "")
                .replaceAll("\\s*\\([^()`]*`[A-Z]\\w*\\.[\\w()]*`[^()]*\\)", "")
                .replaceAll("`[A-Z]\\w*\\.[\\w()]*`", "a limit");
        return clip(plain, max);
    }

    /** What kind of JSON a node is, for messages: "null" (also for a Java null), "a string", "a number", "a boolean", "an array", "an object". */
    public static String kindOf(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return node.isArray() ? "an array" : "an object";
    }

    /**
     * Adds to {@code problems} why a required text field of {@code record} is unusable: "name
     * (missing)", "name (expected a string, found a number)" or "name (blank)"; adds nothing when
     * it holds text. {@code kind} names a wrong value the way the connector's messages do.
     */
    public static void requireText(JsonNode record, String field, List<String> problems,
                                   Function<JsonNode, String> kind) {
        JsonNode value = record.get(field);
        if (value == null || value.isNull()) {
            problems.add(field + " (missing)");
        } else if (!value.isTextual()) {
            problems.add(field + " (expected a string, found " + kind.apply(value) + ")");
        } else if (value.textValue().isBlank()) {
            problems.add(field + " (blank)");
        }
    }

    /** Like {@link #requireText} for a required object; true when it is one. */
    public static boolean requireObject(JsonNode record, String field, List<String> problems,
                                        Function<JsonNode, String> kind) {
        JsonNode value = record.get(field);
        if (value == null || value.isNull()) {
            problems.add(field + " (missing)");
            return false;
        }
        if (!value.isObject()) {
            problems.add(field + " (expected an object, found " + kind.apply(value) + ")");
            return false;
        }
        return true;
    }

    /** One message for all of a record's problems: "missing or invalid required field(s): a (missing), b (blank)". */
    public static String requiredFieldsMessage(List<String> problems) {
        return "missing or invalid required field" + (problems.size() > 1 ? "s" : "") + ": " + String.join(", ", problems);
    }
}
