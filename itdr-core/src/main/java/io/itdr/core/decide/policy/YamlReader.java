package io.itdr.core.decide.policy;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a composed SnakeYAML node tree against an expected shape, recording every problem with
 * its line and column instead of stopping at the first. Conversions return null after recording
 * a problem, so callers skip building what is broken and carry on. Not thread-safe: one per load.
 */
final class YamlReader {
    private final String file;
    private final List<PolicyProblem> problems = new ArrayList<>();

    YamlReader(String file) {
        this.file = file;
    }

    List<PolicyProblem> problems() {
        return problems;
    }

    void problem(Node at, String path, String reason) {
        problem(at.getStartMark(), path, reason);
    }

    void problem(Mark mark, String path, String reason) {
        problems.add(mark == null
                ? new PolicyProblem(file, 0, 0, path, reason)
                : new PolicyProblem(file, mark.getLine() + 1, mark.getColumn() + 1, path, reason));
    }

    void problem(int line, int column, String path, String reason) {
        problems.add(new PolicyProblem(file, line, column, path, reason));
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    static String element(String path, int index) {
        return path + "[" + index + "]";
    }

    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    /**
     * The keys of a mapping node, checked against the allowed ones; null when the node is not a
     * mapping (problem recorded).
     */
    Fields fields(Node node, String path, Set<String> allowed) {
        if (!(node instanceof MappingNode mapping)) {
            problem(node, path, "expected a mapping with keys " + sorted(allowed) + ", found " + describe(node));
            return null;
        }
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                problem(tuple.getKeyNode(), path, "keys must be plain names, found " + describe(tuple.getKeyNode()));
                continue;
            }
            String key = keyNode.getValue();
            NodeTuple first = entries.get(key);
            if (first != null) {
                problem(keyNode, child(path, key), "duplicate key '" + key + "' (first at line " + line(first.getKeyNode()) + ")");
            } else if (!allowed.contains(key)) {
                problem(keyNode, child(path, key), "unknown key '" + key + "'; expected one of " + sorted(allowed));
            } else {
                entries.put(key, tuple);
            }
        }
        return new Fields(mapping, path, entries);
    }

    /** The elements of a sequence node; null when it is not one (problem recorded). */
    List<Node> sequence(Node node, String path) {
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        problem(node, path, "expected a list, found " + describe(node));
        return null;
    }

    /** Any non-null scalar, as written. */
    String string(Node node, String path) {
        ScalarNode scalar = scalar(node, path, "a string");
        return scalar == null ? null : scalar.getValue();
    }

    /** A non-blank string. */
    String name(Node node, String path) {
        String s = string(node, path);
        if (s != null && s.isBlank()) {
            problem(node, path, "must not be blank");
            return null;
        }
        return s;
    }

    Boolean bool(Node node, String path) {
        ScalarNode scalar = scalar(node, path, "true or false");
        if (scalar == null) {
            return null;
        }
        if (!Tag.BOOL.equals(scalar.getTag())) {
            problem(node, path, "expected true or false, found '" + scalar.getValue() + "'");
            return null;
        }
        return Boolean.parseBoolean(scalar.getValue().toLowerCase(java.util.Locale.ROOT));
    }

    Integer integer(Node node, String path, int min) {
        ScalarNode scalar = scalar(node, path, "a whole number");
        if (scalar == null) {
            return null;
        }
        if (Tag.INT.equals(scalar.getTag())) {
            try {
                int value = Integer.parseInt(scalar.getValue().replace("_", ""));
                if (value >= min) {
                    return value;
                }
                problem(node, path, "must be at least " + min + ", found " + value);
                return null;
            } catch (NumberFormatException e) {
                // falls through to the type problem below (hex, octal, too large)
            }
        }
        problem(node, path, "expected a whole number, found '" + scalar.getValue() + "'");
        return null;
    }

    Double number(Node node, String path, double min, double max) {
        ScalarNode scalar = scalar(node, path, "a number");
        if (scalar == null) {
            return null;
        }
        if (Tag.INT.equals(scalar.getTag()) || Tag.FLOAT.equals(scalar.getTag())) {
            try {
                double value = Double.parseDouble(scalar.getValue().replace("_", ""));
                if (value >= min && value <= max) {
                    return value;
                }
                problem(node, path, "must be within [" + min + ", " + max + "], found " + scalar.getValue());
                return null;
            } catch (NumberFormatException e) {
                // falls through to the type problem below
            }
        }
        problem(node, path, "expected a number, found '" + scalar.getValue() + "'");
        return null;
    }

    /** A positive ISO-8601 duration ("PT1H", "P1D"). */
    Duration duration(Node node, String path) {
        Duration d = parsed(node, path, Duration::parse, "an ISO-8601 duration such as PT15M, PT1H or P1D");
        if (d != null && (d.isNegative() || d.isZero())) {
            problem(node, path, "must be a positive duration, found " + d);
            return null;
        }
        return d;
    }

    /**
     * A scalar converted by {@code parser}; an {@link IllegalArgumentException} or
     * {@link DateTimeParseException} becomes a problem naming what was expected.
     */
    <T> T parsed(Node node, String path, Function<String, T> parser, String expected) {
        String s = string(node, path);
        if (s == null) {
            return null;
        }
        try {
            return parser.apply(s.trim());
        } catch (IllegalArgumentException | DateTimeParseException e) {
            problem(node, path, "expected " + expected + ", found '" + s + "'");
            return null;
        }
    }

    /** A list of strings. */
    List<String> strings(Node node, String path) {
        List<Node> items = sequence(node, path);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            String s = name(items.get(i), element(path, i));
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * A free-form value as plain Java: unmodifiable maps and lists, strings, longs, doubles,
     * booleans, null. Used for sections the engine passes through uninterpreted.
     */
    Object plain(Node node, String path) {
        if (node instanceof ScalarNode scalar) {
            Tag tag = scalar.getTag();
            String v = scalar.getValue();
            try {
                if (Tag.NULL.equals(tag)) {
                    return null;
                } else if (Tag.BOOL.equals(tag)) {
                    return Boolean.parseBoolean(v.toLowerCase(java.util.Locale.ROOT));
                } else if (Tag.INT.equals(tag)) {
                    return Long.parseLong(v.replace("_", ""));
                } else if (Tag.FLOAT.equals(tag)) {
                    return Double.parseDouble(v.replace("_", ""));
                }
            } catch (NumberFormatException e) {
                return v; // YAML 1.1 forms Java does not read (0x1F, 1:30): kept as written
            }
            return v;
        }
        if (node instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < seq.getValue().size(); i++) {
                out.add(plain(seq.getValue().get(i), element(path, i)));
            }
            return Collections.unmodifiableList(out);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : null;
            if (key == null) {
                problem(tuple.getKeyNode(), path, "keys must be plain names");
            } else if (out.containsKey(key)) {
                problem(tuple.getKeyNode(), child(path, key), "duplicate key '" + key + "'");
            } else {
                out.put(key, plain(tuple.getValueNode(), child(path, key)));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private ScalarNode scalar(Node node, String path, String expected) {
        if (node instanceof ScalarNode scalar) {
            if (Tag.NULL.equals(scalar.getTag())) {
                problem(node, path, "has no value; expected " + expected);
                return null;
            }
            return scalar;
        }
        problem(node, path, "expected " + expected + ", found " + describe(node));
        return null;
    }

    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof ScalarNode s) {
            return Tag.NULL.equals(s.getTag()) ? "nothing" : "'" + s.getValue() + "'";
        }
        return node.getNodeId().toString();
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }

    /** A mapping being read: its allowed entries by key. */
    final class Fields {
        private final MappingNode node;
        private final String path;
        private final Map<String, NodeTuple> entries;

        private Fields(MappingNode node, String path, Map<String, NodeTuple> entries) {
            this.node = node;
            this.path = path;
            this.entries = entries;
        }

        String path(String key) {
            return child(path, key);
        }

        /** The value node, or null when the key is absent. */
        Node get(String key) {
            NodeTuple t = entries.get(key);
            return t == null ? null : t.getValueNode();
        }

        /** The value node; when absent, records "missing required key" at the mapping and returns null. */
        Node require(String key) {
            Node n = get(key);
            if (n == null) {
                problem(node, path(key), "missing required key '" + key + "'");
            }
            return n;
        }

        /** The key node (for locating problems about the entry), or null. */
        Node keyNode(String key) {
            NodeTuple t = entries.get(key);
            return t == null ? null : t.getKeyNode();
        }

        Set<String> keys() {
            return entries.keySet();
        }

        MappingNode node() {
            return node;
        }
    }
}
