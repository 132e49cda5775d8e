package io.itdr.core.rules.sigma;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A raw record as rules read it: field values by Sigma field name, and every text value for
 * keyword searches. A field name is a path of dot-separated keys ({@code userIdentity.type}); a
 * key is looked up exactly first, then ignoring case (SigmaHQ's Okta rules write
 * {@code eventtype} for the System Log's {@code eventType}), and a literal key holding dots wins
 * over the path. Arrays on the way are matched element-wise. Not thread-safe; one per event.
 */
final class RecordView {
    private final JsonNode root;
    private final UnaryOperator<String> alias;
    private List<String> texts;

    RecordView(JsonNode root) {
        this(root, field -> null);
    }

    /**
     * @param alias the field to read when a field is absent from the record as named (null for none);
     *              see {@link LogSource#alias(String, String)}
     */
    RecordView(JsonNode root, UnaryOperator<String> alias) {
        this.root = root;
        this.alias = alias;
    }

    /**
     * The values at {@code field}: scalars (JSON null included), arrays flattened, objects kept as
     * they are. Empty when the field is absent, and its alias too.
     */
    List<JsonNode> values(String field) {
        List<JsonNode> out = new ArrayList<>(1);
        collect(root, field, out);
        if (out.isEmpty()) {
            String other = alias.apply(field);
            if (other != null) {
                collect(root, other, out);
            }
        }
        return out;
    }

    private static void collect(JsonNode node, String path, List<JsonNode> out) {
        if (node == null || node.isMissingNode()) {
            return;
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                collect(element, path, out);
            }
            return;
        }
        if (path.isEmpty()) {
            out.add(node);
            return;
        }
        if (!node.isObject()) {
            return;
        }
        JsonNode whole = key(node, path);
        if (whole != null) {
            add(whole, out);
            return;
        }
        int dot = path.indexOf('.');
        while (dot > 0) {
            JsonNode child = key(node, path.substring(0, dot));
            if (child != null) {
                collect(child, path.substring(dot + 1), out);
                return;
            }
            dot = path.indexOf('.', dot + 1);
        }
    }

    private static void add(JsonNode value, List<JsonNode> out) {
        if (value.isArray()) {
            value.forEach(out::add);
        } else {
            out.add(value);
        }
    }

    /** The child at {@code key}, exactly or else ignoring case; null when none. */
    private static JsonNode key(JsonNode object, String key) {
        JsonNode exact = object.get(key);
        if (exact != null) {
            return exact;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equalsIgnoreCase(key)) {
                return f.getValue();
            }
        }
        return null;
    }

    /** Every scalar value of the record as text, for keywords. */
    List<String> texts() {
        if (texts == null) {
            texts = new ArrayList<>();
            gather(root, texts);
        }
        return texts;
    }

    private static void gather(JsonNode node, List<String> out) {
        if (node.isContainerNode()) {
            node.forEach(child -> gather(child, out));
        } else if (!node.isNull() && !node.isMissingNode()) {
            out.add(node.asText());
        }
    }

    /** A scalar's text, as Sigma compares values (numbers and booleans by their JSON text); null for null, objects and arrays. */
    static String text(JsonNode value) {
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
