package io.itdr.core.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reading and writing the compact JSON of state entries: every entry is an object whose {@code v}
 * is its format version; a reader refuses another version (the state then starts afresh) rather
 * than guess. Errors are {@link IllegalArgumentException}s naming the field.
 */
public final class StateJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StateJson() {
    }

    /** A new entry of format {@code version}. */
    public static ObjectNode object(int version) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("v", version);
        return node;
    }

    /** Parses an entry and checks its version. */
    public static JsonNode parse(String json, int version) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        return check(node, version);
    }

    /** Checks that {@code node} is an object of format {@code version}. */
    public static JsonNode check(JsonNode node, int version) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        if (!node.path("v").isInt() || node.get("v").asInt() != version) {
            throw new IllegalArgumentException("format version " + node.path("v") + ", expected " + version);
        }
        return node;
    }

    /** A required string field. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("field " + field + ": expected a string");
        }
        return value.asText();
    }

    /** An optional string field; null when absent. */
    public static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : text(node, field);
    }

    /** A required array field. */
    public static JsonNode array(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException("field " + field + ": expected an array");
        }
        return value;
    }

    /** A required object field. */
    public static JsonNode object(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw new IllegalArgumentException("field " + field + ": expected an object");
        }
        return value;
    }

    /** An instant written with {@link Instant#toString()}. */
    public static Instant instant(JsonNode value) {
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("expected an instant, got " + value);
        }
        try {
            return Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not an instant: " + value.asText());
        }
    }

    /** An optional instant field; null when absent. */
    public static Instant instantOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : instant(value);
    }

    /** {@code instant.toString()}, or null. */
    public static String string(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
