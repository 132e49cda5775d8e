package io.itdr.core.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.core.state.StateJson;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The pieces detectors' snapshots are made of: short field names, LRU maps as arrays in their
 * order (least recently used first, so putting them back in order restores the order), instants as
 * ISO-8601 text. Reading errors are {@link IllegalArgumentException}s.
 */
final class DetectorStateJson {
    private DetectorStateJson() {
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** The elements of {@code set} in its order; iterating does not touch an {@link LruSet}'s order. */
    static ArrayNode keys(java.util.Collection<String> set) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode(set.size());
        set.forEach(out::add);
        return out;
    }

    /** Puts back keys written by {@link #keys}, in order. */
    static void putKeys(JsonNode keys, LruSet<String> into) {
        if (keys == null) {
            return;
        }
        if (!keys.isArray()) {
            throw new IllegalArgumentException("expected an array of keys");
        }
        for (JsonNode k : keys) {
            into.add(text(k));
        }
    }

    /** Keys written by {@link #keys} added to a {@link SmallSet} in order: the set to keep. */
    static Object addKeys(JsonNode keys, Object set, int capacity) {
        if (keys == null) {
            return set;
        }
        if (!keys.isArray()) {
            throw new IllegalArgumentException("expected an array of keys");
        }
        for (JsonNode k : keys) {
            set = SmallSet.add(set, text(k), capacity);
        }
        return set;
    }

    /** {@code {key: instant}} in the map's order. */
    static ObjectNode times(Map<String, Instant> map) {
        ObjectNode out = object();
        map.forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    /** Reads an object field by field, in order. */
    static void fields(JsonNode node, BiConsumer<String, JsonNode> each) {
        if (node == null) {
            return;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            each.accept(e.getKey(), e.getValue());
        }
    }

    static String text(JsonNode node) {
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException("expected a string, got " + node);
        }
        return node.asText();
    }

    static String textOrNull(JsonNode node, String field) {
        return StateJson.textOrNull(node, field);
    }

    static Instant instant(JsonNode node) {
        return StateJson.instant(node);
    }

    static Instant instantOrNull(JsonNode node, String field) {
        return StateJson.instantOrNull(node, field);
    }

    /** Puts {@code value} unless it is null (absent fields read back as null). */
    static void putIfKnown(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }

    static void putIfKnown(ObjectNode node, String field, Instant value) {
        if (value != null) {
            node.put(field, value.toString());
        }
    }
}
