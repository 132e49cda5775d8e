package io.itdr.core.rules.sigma;

import io.itdr.core.yaml.YamlReader;
import io.itdr.core.yaml.YamlSyntaxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads Sigma rule files ({@code .yml}, {@code .yaml}) from files and folders (recursively, in
 * path order, hidden entries skipped). A file holds one rule, or several YAML documents ({@code
 * ---}): rules and correlation rules together, as the correlation specification's examples do. A
 * rule that uses anything this engine does not implement, or that is not valid Sigma, is refused
 * with its file, line and reason, and the others still load. Top-level keys that only describe a
 * rule (description, author, references, falsepositives, fields, ...) do not change what it
 * matches and are not checked; the keys that would ({@code filter}, {@code action}) refuse it.
 *
 * <p>Correlation rules (event_count, value_count, temporal, temporal_ordered; Sigma correlation
 * specification 2.1.0) refer to rules or other correlations by id or {@code name}, in any file
 * loaded together; they are resolved after every file is read. A correlation is refused when a
 * rule it refers to is unknown or refused, when references form a cycle, for value_sum,
 * value_avg and value_percentile, and for a condition with only an upper bound ({@code lt},
 * {@code lte}, {@code neq}): a streaming engine judges a count when an event arrives, and an upper
 * bound alone could only be judged when the timespan closes.
 *
 * <p>Level → confidence of the rule's findings: informational 0.2, low 0.4, medium 0.6, high 0.8,
 * critical 0.95; a rule without a level is medium. ATT&amp;CK tags become finding tags: {@code
 * attack.t1562.008} → {@code T1562.008}, {@code attack.defense-evasion} → {@code TA0005}; other
 * tags stay with the rule. Thread-safe (holds no state).
 */
public final class SigmaRuleLoader {
    private static final int MAX_FILE_BYTES = 1 << 20;
    private static final Map<String, Double> LEVELS = Map.of("informational", 0.2, "low", 0.4, "medium", 0.6, "high", 0.8,
            "critical", 0.95);
    private static final Map<String, String> TACTICS = tactics();

    /** The confidence of a level's findings; null for an unknown level. */
    public static Double confidence(String level) {
        return LEVELS.get(level.toLowerCase(Locale.ROOT));
    }

    /**
     * Loads every rule under {@code paths} (files or folders).
     *
     * @throws UncheckedIOException when a path does not exist or cannot be listed
     */
    public SigmaRules load(List<Path> paths) {
        List<SigmaRule> rules = new ArrayList<>();
        List<Correlations.Pending> pending = new ArrayList<>();
        List<RuleRefusal> refused = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        int files = 0;
        for (Path file : files(paths)) {
            files++;
            for (Object result : loadFile(file)) {
                String id = result instanceof SigmaRule rule ? rule.id()
                        : result instanceof Correlations.Pending c ? c.id() : null;
                if (id == null) {
                    refused.add((RuleRefusal) result);
                    continue;
                }
                String where = result instanceof SigmaRule rule ? rule.file() : ((Correlations.Pending) result).file();
                int line = result instanceof SigmaRule rule ? rule.line() : ((Correlations.Pending) result).line();
                String first = ids.putIfAbsent(id, where);
                if (first != null) {
                    refused.add(new RuleRefusal(where, line, id, "rule id " + id + " is already used by " + first));
                } else if (result instanceof SigmaRule rule) {
                    rules.add(rule);
                } else {
                    pending.add((Correlations.Pending) result);
                }
            }
        }
        List<SigmaCorrelation> correlations = Correlations.resolve(rules, pending, refused);
        return new SigmaRules(rules, correlations, refused, files);
    }

    /** The rule files under {@code paths}, in order. */
    static List<Path> files(List<Path> paths) {
        List<Path> out = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> Files.isRegularFile(p) && !hidden(path, p) && isRuleFile(p)).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(path + ": cannot list the rule folder", e);
                }
            } else if (Files.isRegularFile(path)) {
                out.add(path);
            } else {
                throw new UncheckedIOException(new IOException(path + ": no such rule file or folder"));
            }
        }
        return out;
    }

    private static boolean isRuleFile(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yml") || n.endsWith(".yaml");
    }

    private static boolean hidden(Path root, Path path) {
        for (Path name : root.relativize(path)) {
            if (name.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** One file: its rules and correlations (not yet resolved), and why others are refused. */
    List<Object> loadFile(Path file) {
        String name = file.toString();
        String text;
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                return List.of(new RuleRefusal(name, 0, null, "larger than " + MAX_FILE_BYTES + " bytes"));
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return List.of(new RuleRefusal(name, 0, null, "cannot be read: " + e.getMessage()));
        }
        return parseAll(name, text);
    }

    /**
     * One rule's text: its rule, or why it is refused. A text of several documents is refused here
     * (load the file, or use {@link #parseAll}); a correlation is returned unresolved.
     */
    public Object parse(String name, String text) {
        List<Object> all = parseAll(name, text);
        if (all.size() > 1) {
            return new RuleRefusal(name, 0, null, "several YAML documents: load them with the files they refer to");
        }
        return all.get(0);
    }

    /** Every document of a text: rules, correlations (unresolved) and refusals, in order. */
    public List<Object> parseAll(String name, String text) {
        LoaderOptions limits = new LoaderOptions();
        limits.setMaxAliasesForCollections(10);
        limits.setCodePointLimit(MAX_FILE_BYTES);
        List<Node> docs;
        try {
            docs = YamlReader.composeAll(text, limits);
        } catch (YamlSyntaxException e) {
            return List.of(new RuleRefusal(name, e.mark() == null ? 0 : e.mark().getLine() + 1, null, "not YAML: " + e.reason()));
        }
        if (docs.isEmpty()) {
            return List.of(new RuleRefusal(name, 0, null, "empty file"));
        }
        List<Object> out = new ArrayList<>(docs.size());
        for (Node doc : docs) {
            out.add(parseDocument(name, doc));
        }
        return out;
    }

    private Object parseDocument(String name, Node doc) {
        String ruleName = null;
        try {
            if (!(doc instanceof MappingNode root)) {
                throw new RefusedConstruct(doc, "a rule must be a map");
            }
            Map<String, Node> keys = new LinkedHashMap<>();
            for (NodeTuple t : root.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    if (keys.putIfAbsent(k.getValue(), t.getValueNode()) != null) {
                        throw new RefusedConstruct(k, "duplicate key '" + k.getValue() + "'");
                    }
                }
            }
            String title = scalar(keys.get("title"), "title");
            String id = keys.containsKey("id") ? scalar(keys.get("id"), "id") : null;
            ruleName = id != null ? id : title;
            if (keys.containsKey("correlation")) {
                if (title == null || title.isBlank()) {
                    throw new RefusedConstruct(root, "the rule has no title");
                }
                return Correlations.parse(name, root, keys, id != null && !id.isBlank() ? id : slug(title), title);
            }
            if (keys.containsKey("filter")) {
                throw new RefusedConstruct(keys.get("filter"), "Sigma filters (meta rules that change other rules) are not supported");
            }
            if (keys.containsKey("action")) {
                throw new RefusedConstruct(keys.get("action"), "'action' (rule collections) is not supported; put one rule per file");
            }
            if (title == null || title.isBlank()) {
                throw new RefusedConstruct(root, "the rule has no title");
            }
            LogSource logSource = logSource(keys.get("logsource"), root);
            Search detection = detection(keys.get("detection"), root);
            String level = keys.containsKey("level") ? scalar(keys.get("level"), "level") : "medium";
            Double confidence = confidence(level);
            if (confidence == null) {
                throw new RefusedConstruct(keys.get("level"), "unknown level '" + level + "'; expected one of informational, low, medium, high, critical");
            }
            List<String> attack = new ArrayList<>();
            List<String> other = new ArrayList<>();
            tags(keys.get("tags"), attack, other);
            String status = keys.containsKey("status") ? scalar(keys.get("status"), "status") : null;
            String ruleId = id != null && !id.isBlank() ? id : slug(title);
            String shortName = keys.containsKey("name") ? scalar(keys.get("name"), "name") : null;
            return new SigmaRule(ruleId, title, name, root.getStartMark().getLine() + 1, level.toLowerCase(Locale.ROOT), confidence,
                    attack, other, status, logSource, detection, shortName);
        } catch (RefusedConstruct e) {
            return new RuleRefusal(name, e.line, ruleName, e.getMessage());
        }
    }

    private static LogSource logSource(Node node, Node root) {
        if (node == null) {
            throw new RefusedConstruct(root, "the rule has no logsource");
        }
        if (!(node instanceof MappingNode map)) {
            throw new RefusedConstruct(node, "logsource must be a map");
        }
        Map<String, String> fields = new HashMap<>();
        for (NodeTuple t : map.getValue()) {
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            fields.put(k, scalar(t.getValueNode(), "logsource." + k));
        }
        try {
            return LogSource.of(fields.get("product"), fields.get("service"), fields.get("category"));
        } catch (IllegalArgumentException e) {
            throw new RefusedConstruct(node, e.getMessage());
        }
    }

    private static Search detection(Node node, Node root) {
        if (node == null) {
            throw new RefusedConstruct(root, "the rule has no detection");
        }
        if (!(node instanceof MappingNode map)) {
            throw new RefusedConstruct(node, "detection must be a map");
        }
        Map<String, Search> searches = new LinkedHashMap<>();
        Node condition = null;
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw new RefusedConstruct(t.getKeyNode(), "a search identifier must be a name");
            }
            switch (key.getValue()) {
                case "condition" -> condition = t.getValueNode();
                case "timeframe" -> throw new RefusedConstruct(key, "'timeframe' belongs to aggregations, which are not supported");
                default -> {
                    if (searches.put(key.getValue(), SearchCompiler.compile(t.getValueNode())) != null) {
                        throw new RefusedConstruct(key, "search '" + key.getValue() + "' is defined twice");
                    }
                }
            }
        }
        if (condition == null) {
            throw new RefusedConstruct(node, "detection has no condition");
        }
        if (condition instanceof SequenceNode list) {
            // a list of conditions: any of them (Sigma 1)
            List<Search> any = new ArrayList<>();
            for (Node c : list.getValue()) {
                any.add(ConditionParser.parse(scalar(c, "condition"), searches, c.getStartMark().getLine() + 1));
            }
            if (any.isEmpty()) {
                throw new RefusedConstruct(condition, "the condition list is empty");
            }
            return r -> any.stream().anyMatch(s -> s.matches(r));
        }
        return ConditionParser.parse(scalar(condition, "condition"), searches, condition.getStartMark().getLine() + 1);
    }

    static void tags(Node node, List<String> attack, List<String> other) {
        if (node == null) {
            return;
        }
        if (!(node instanceof SequenceNode list)) {
            throw new RefusedConstruct(node, "tags must be a list");
        }
        for (Node n : list.getValue()) {
            String tag = scalar(n, "tags");
            String t = tag.toLowerCase(Locale.ROOT);
            if (t.matches("attack\\.t\\d{4}(\\.\\d{3})?")) {
                attack.add(tag.substring("attack.".length()).toUpperCase(Locale.ROOT));
            } else if (t.matches("attack\\.[gs]\\d{4}")) {
                attack.add(tag.substring("attack.".length()).toUpperCase(Locale.ROOT));
            } else if (t.startsWith("attack.") && TACTICS.containsKey(t.substring(7).replace('_', '-'))) {
                attack.add(TACTICS.get(t.substring(7).replace('_', '-')));
            } else {
                other.add(tag);
            }
        }
    }

    static String scalar(Node node, String what) {
        if (node == null) {
            return null;
        }
        if (!(node instanceof ScalarNode s)) {
            throw new RefusedConstruct(node, what + " must be a single value, found " + SearchCompiler.kind(node));
        }
        return SearchCompiler.isNull(s) ? null : s.getValue();
    }

    static String slug(String title) {
        String s = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "untitled" : s;
    }

    private static Map<String, String> tactics() {
        Map<String, String> t = new HashMap<>();
        String[][] pairs = {{"reconnaissance", "TA0043"}, {"resource-development", "TA0042"}, {"initial-access", "TA0001"},
                {"execution", "TA0002"}, {"persistence", "TA0003"}, {"privilege-escalation", "TA0004"},
                {"defense-evasion", "TA0005"}, {"credential-access", "TA0006"}, {"discovery", "TA0007"},
                {"lateral-movement", "TA0008"}, {"collection", "TA0009"}, {"command-and-control", "TA0011"},
                {"exfiltration", "TA0010"}, {"impact", "TA0040"}};
        for (String[] p : pairs) {
            t.put(p[0], p[1]);
        }
        return Map.copyOf(t);
    }

    /** Keys of a rule this loader reads; the others only describe it. */
    static final Set<String> READ = Set.of("title", "id", "name", "logsource", "detection", "level", "tags", "status", "correlation",
            "generate");
}
