package io.itdr.core.yaml;

import java.io.StringReader;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a YAML file that people write by hand (policies, the identity catalog) while recording
 * every problem with its line and column instead of stopping at the first, so one edit fixes them
 * all. The text is only composed into SnakeYAML nodes, never bound to objects, so a file cannot
 * instantiate anything.
 *
 * <p>Conversions return null after recording a problem, so callers skip building what is broken
 * and carry on. The problems are {@link YamlProblem}s, which each kind of file maps to its own
 * problem type and message format. Not thread-safe: one instance per file read.
 */
public final class YamlReader {
    private final List<YamlProblem> problems = new ArrayList<>();

    /**
     * The first document of a text.
     *
     * @param root         its root node; null when the text holds no document
     * @param nextDocument where a second document starts (its {@code ---}); null when there is none
     * @param nextContent  where the second document's content starts; null when there is none
     */
    public record Document(Node root, Mark nextDocument, Mark nextContent) {
    }

    /** What a node holds, named the way messages name it. */
    public enum Kind {
        MAPPING("a mapping"), LIST("a list"), TEXT("a string"), NUMBER("a number"), BOOLEAN("a boolean"), NULL("null"),
        BINARY("binary data");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        /** "a string", "a number", ... */
        public String description() {
            return description;
        }
    }

    /**
     * A mapping key that is not a plain name, or that repeats an earlier key of its mapping.
     *
     * @param key   the offending key node; never null
     * @param path  the key's path, or the mapping's when the key is not a plain name; never null
     * @param first the earlier key it repeats; null when the key is not a plain name
     */
    public record KeyProblem(Node key, String path, ScalarNode first) {
    }

    /**
     * Composes the first document of {@code text} within {@code limits}, and notes whether a
     * second one follows, which the caller may refuse in its own words.
     *
     * @throws YamlSyntaxException when the text is not YAML or exceeds the limits
     */
    public static Document compose(String text, LoaderOptions limits) {
        LastRead parser = new LastRead(new ParserImpl(new StreamReader(new StringReader(text)), limits));
        Composer composer = new Composer(parser, new Resolver(), limits);
        try {
            Node root = composer.checkNode() ? composer.getNode() : null;
            if (!composer.checkNode()) {
                return new Document(root, null, null);
            }
            Mark nextDocument = parser.getEvent().getStartMark(); // its start, then a peek at its first content
            return new Document(root, nextDocument, parser.peekEvent().getStartMark());
        } catch (YAMLException e) {
            throw new YamlSyntaxException(e, parser.lastRead);
        }
    }

    /**
     * Composes every document of {@code text} ({@code ---} separated) within {@code limits}, in
     * order; empty documents are skipped.
     *
     * @throws YamlSyntaxException when the text is not YAML or exceeds the limits
     */
    public static List<Node> composeAll(String text, LoaderOptions limits) {
        LastRead parser = new LastRead(new ParserImpl(new StreamReader(new StringReader(text)), limits));
        Composer composer = new Composer(parser, new Resolver(), limits);
        List<Node> documents = new ArrayList<>();
        try {
            while (composer.checkNode()) {
                Node root = composer.getNode();
                if (root != null) {
                    documents.add(root);
                }
            }
        } catch (YAMLException e) {
            throw new YamlSyntaxException(e, parser.lastRead);
        }
        return documents;
    }

    /** Every problem recorded so far, in the order found; unmodifiable. */
    public List<YamlProblem> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** A problem where {@code at} starts. */
    public void problem(Node at, String path, String reason) {
        problem(at.getStartMark(), path, reason);
    }

    /** A problem at {@code mark}, or about the whole text when the mark is null. */
    public void problem(Mark mark, String path, String reason) {
        problems.add(mark == null
                ? new YamlProblem(0, 0, path, reason)
                : new YamlProblem(mark.getLine() + 1, mark.getColumn() + 1, path, reason));
    }

    /** A problem at a 1-based line and column (0 when unknown). */
    public void problem(int line, int column, String path, String reason) {
        problems.add(new YamlProblem(line, column, path, reason));
    }

    /** The path of {@code key} in the mapping at {@code path}: "rules[0].when", or "name" at the root. */
    public static String child(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The path of an element of the list at {@code path}: "rules[2]". */
    public static String element(String path, int index) {
        return path + "[" + index + "]";
    }

    /** The 1-based line where the node starts. */
    public static int line(Node node) {
        return line(node.getStartMark());
    }

    /** The 1-based line of a mark. */
    public static int line(Mark mark) {
        return mark.getLine() + 1;
    }

    /**
     * The keys of a mapping node, checked against the allowed ones; null when the node is not a
     * mapping (problem recorded).
     */
    public Fields fields(Node node, String path, Set<String> allowed) {
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

    /**
     * The entries of a mapping, the first of each plain key, recording nothing: for readers that
     * word key problems their own way (see {@link #keyProblems}).
     */
    public Fields entries(MappingNode mapping, String path) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key) {
                entries.putIfAbsent(key.getValue(), tuple);
            }
        }
        return new Fields(mapping, path, entries);
    }

    /**
     * The keys anywhere under {@code root} that are not plain names or repeat an earlier key of
     * their mapping, including where a reader would look no further; an aliased subtree is
     * visited once.
     */
    public static List<KeyProblem> keyProblems(Node root) {
        List<KeyProblem> found = new ArrayList<>();
        collectKeyProblems(root, "", Collections.newSetFromMap(new IdentityHashMap<>()), found);
        return found;
    }

    private static void collectKeyProblems(Node node, String path, Set<Node> visited, List<KeyProblem> found) {
        if (node instanceof ScalarNode || !visited.add(node)) {
            return;
        }
        if (node instanceof SequenceNode seq) {
            for (int i = 0; i < seq.getValue().size(); i++) {
                collectKeyProblems(seq.getValue().get(i), element(path, i), visited, found);
            }
            return;
        }
        Map<String, ScalarNode> firsts = new HashMap<>();
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                found.add(new KeyProblem(tuple.getKeyNode(), path, null));
                continue;
            }
            String keyPath = child(path, key.getValue());
            collectKeyProblems(tuple.getValueNode(), keyPath, visited, found);
            ScalarNode first = firsts.putIfAbsent(key.getValue(), key);
            if (first != null) {
                found.add(new KeyProblem(key, keyPath, first));
            }
        }
    }

    /** The elements of a sequence node; null when it is not one (problem recorded). */
    public List<Node> sequence(Node node, String path) {
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        problem(node, path, "expected a list, found " + describe(node));
        return null;
    }

    /** Any non-null scalar, as written. */
    public String string(Node node, String path) {
        ScalarNode scalar = scalar(node, path, "a string");
        return scalar == null ? null : scalar.getValue();
    }

    /** A non-blank string. */
    public String name(Node node, String path) {
        String s = string(node, path);
        if (s != null && s.isBlank()) {
            problem(node, path, "must not be blank");
            return null;
        }
        return s;
    }

    public Boolean bool(Node node, String path) {
        ScalarNode scalar = scalar(node, path, "true or false");
        if (scalar == null) {
            return null;
        }
        if (!Tag.BOOL.equals(scalar.getTag())) {
            problem(node, path, "expected true or false, found '" + scalar.getValue() + "'");
            return null;
        }
        return Boolean.parseBoolean(scalar.getValue().toLowerCase(Locale.ROOT));
    }

    public Integer integer(Node node, String path, int min) {
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

    public Double number(Node node, String path, double min, double max) {
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
    public Duration duration(Node node, String path) {
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
    public <T> T parsed(Node node, String path, Function<String, T> parser, String expected) {
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
    public List<String> strings(Node node, String path) {
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

    /**
     * What a node holds: its tag as SnakeYAML resolves it (YAML 1.1; a quoted scalar is text
     * unless tagged otherwise), except that values keep the form they were written in where the
     * tag says otherwise. An empty value ({@code key:}) is empty text, refused where text must not
     * be empty, while {@code ~} or {@code null} is null; a base-60 number ({@code 1:30}) is text,
     * as in YAML 1.2; and so is a value tagged {@code !!int} or {@code !!bool} that is not written
     * as one.
     */
    public static Kind kind(Node node) {
        if (node instanceof MappingNode) {
            return Kind.MAPPING;
        }
        if (node instanceof SequenceNode) {
            return Kind.LIST;
        }
        ScalarNode scalar = (ScalarNode) node;
        Tag tag = scalar.getTag();
        String value = scalar.getValue();
        if (value.isEmpty()) {
            return Kind.TEXT;
        } else if (Tag.NULL.equals(tag)) {
            return Kind.NULL;
        } else if (Tag.BOOL.equals(tag) && Resolver.BOOL.matcher(value).matches()) {
            return Kind.BOOLEAN;
        } else if (Tag.INT.equals(tag) && Resolver.INT.matcher(value).matches() && value.indexOf(':') < 0) {
            return Kind.NUMBER;
        } else if (Tag.FLOAT.equals(tag)) {
            return Kind.NUMBER;
        } else if (Tag.BINARY.equals(tag)) {
            return Kind.BINARY;
        }
        return Kind.TEXT; // strings, timestamps, other tags and the exceptions above
    }

    /** A node for a message: "a mapping", "a list", "nothing", or the scalar quoted as written. */
    public static String describe(Node node) {
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

    /** A mapping being read: its entries by key, the first of each key. */
    public final class Fields {
        private final MappingNode node;
        private final String path;
        private final Map<String, NodeTuple> entries;

        private Fields(MappingNode node, String path, Map<String, NodeTuple> entries) {
            this.node = node;
            this.path = path;
            this.entries = entries;
        }

        public String path(String key) {
            return child(path, key);
        }

        /** The value node, or null when the key is absent. */
        public Node get(String key) {
            NodeTuple t = entries.get(key);
            return t == null ? null : t.getValueNode();
        }

        /** The value node; when absent, records "missing required key" at the mapping and returns null. */
        public Node require(String key) {
            Node n = get(key);
            if (n == null) {
                problem(node, path(key), "missing required key '" + key + "'");
            }
            return n;
        }

        /** The key node (for locating problems about the entry), or null when the key is absent. */
        public Node keyNode(String key) {
            NodeTuple t = entries.get(key);
            return t == null ? null : t.getKeyNode();
        }

        /** The keys in document order. */
        public Set<String> keys() {
            return entries.keySet();
        }

        public MappingNode node() {
            return node;
        }
    }

    /** Remembers where the last event read ends, which locates a syntax problem after it. */
    private static final class LastRead implements Parser {
        private final Parser parser;
        private Mark lastRead;

        LastRead(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            return parser.checkEvent(choice);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public Event getEvent() {
            Event event = parser.getEvent();
            lastRead = event.getEndMark();
            return event;
        }
    }
}
