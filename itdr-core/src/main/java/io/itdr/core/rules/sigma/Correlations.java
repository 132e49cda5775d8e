package io.itdr.core.rules.sigma;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the {@code correlation} section of a Sigma correlation rule (specification 2.1.0) and
 * resolves the rules it refers to once every file is read. Stateless.
 */
final class Correlations {
    /** Events a group holds; a condition needing more is refused at load. */
    static final int MAX_COUNT = CorrelationState.MAX_HITS_PER_GROUP;

    private Correlations() {
    }

    /** A correlation as read, before its references are resolved. */
    record Pending(String id, String name, String title, String file, int line, String level, double confidence,
                   List<String> attack, List<String> other, String status, SigmaCorrelation.Type type, List<String> refs,
                   List<String> groupBy, Map<String, Map<String, String>> aliases, Duration timespan,
                   SigmaCorrelation.Condition condition, boolean generate) {
    }

    static Pending parse(String file, MappingNode root, Map<String, Node> keys, String id, String title) {
        if (keys.containsKey("detection") || keys.containsKey("logsource")) {
            throw new RefusedConstruct(keys.get("correlation"), "a correlation rule has no detection or logsource of its own;"
                    + " it refers to rules that have them");
        }
        if (!(keys.get("correlation") instanceof MappingNode section)) {
            throw new RefusedConstruct(keys.get("correlation"), "correlation must be a map");
        }
        Map<String, Node> c = new LinkedHashMap<>();
        for (NodeTuple t : section.getValue()) {
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            if (!Set.of("type", "rules", "group-by", "timespan", "condition", "aliases", "generate").contains(k)) {
                throw new RefusedConstruct(t.getKeyNode(), "unknown correlation key '" + k + "'");
            }
            c.put(k, t.getValueNode());
        }
        String typeName = SigmaRuleLoader.scalar(required(c, "type", section), "correlation.type");
        SigmaCorrelation.Type type = switch (typeName) {
            case "event_count" -> SigmaCorrelation.Type.EVENT_COUNT;
            case "value_count" -> SigmaCorrelation.Type.VALUE_COUNT;
            case "temporal" -> SigmaCorrelation.Type.TEMPORAL;
            case "temporal_ordered" -> SigmaCorrelation.Type.TEMPORAL_ORDERED;
            case "value_sum", "value_avg", "value_percentile" -> throw new RefusedConstruct(c.get("type"),
                    "correlation type '" + typeName + "' is not supported (event_count, value_count, temporal, temporal_ordered are)");
            default -> throw new RefusedConstruct(c.get("type"), "unknown correlation type '" + typeName + "'");
        };
        List<String> refs = strings(required(c, "rules", section), "correlation.rules");
        if (refs.isEmpty()) {
            throw new RefusedConstruct(c.get("rules"), "correlation.rules is empty");
        }
        if (new HashSet<>(refs).size() != refs.size()) {
            throw new RefusedConstruct(c.get("rules"), "correlation.rules names a rule twice");
        }
        List<String> groupBy = c.containsKey("group-by") ? strings(c.get("group-by"), "correlation.group-by") : List.of();
        Duration timespan = timespan(required(c, "timespan", section));
        Map<String, Map<String, String>> aliases = aliases(c.get("aliases"), refs);
        SigmaCorrelation.Condition condition = condition(c.get("condition"), type, refs.size(), section);
        String level = keys.containsKey("level") ? SigmaRuleLoader.scalar(keys.get("level"), "level") : "medium";
        Double confidence = SigmaRuleLoader.confidence(level);
        if (confidence == null) {
            throw new RefusedConstruct(keys.get("level"), "unknown level '" + level + "'; expected one of informational, low, medium, high, critical");
        }
        List<String> attack = new ArrayList<>();
        List<String> other = new ArrayList<>();
        SigmaRuleLoader.tags(keys.get("tags"), attack, other);
        String status = keys.containsKey("status") ? SigmaRuleLoader.scalar(keys.get("status"), "status") : null;
        String name = keys.containsKey("name") ? SigmaRuleLoader.scalar(keys.get("name"), "name") : null;
        boolean generate = false;
        if (keys.containsKey("generate")) {
            String g = SigmaRuleLoader.scalar(keys.get("generate"), "generate");
            if (!"true".equals(g) && !"false".equals(g)) {
                throw new RefusedConstruct(keys.get("generate"), "generate must be true or false");
            }
            generate = Boolean.parseBoolean(g);
        }
        return new Pending(id, name, title, file, root.getStartMark().getLine() + 1, level.toLowerCase(Locale.ROOT), confidence,
                attack, other, status, type, refs, groupBy, aliases, timespan, condition, generate);
    }

    /**
     * Resolves references by id, then by name; a correlation whose reference is unknown, refused,
     * or part of a cycle is refused. Returns the correlations in an order where each comes after
     * those it refers to.
     */
    static List<SigmaCorrelation> resolve(List<SigmaRule> rules, List<Pending> pending, List<RuleRefusal> refused) {
        Map<String, Object> byRef = new HashMap<>();
        for (SigmaRule r : rules) {
            byRef.put(r.id(), r);
        }
        for (SigmaRule r : rules) {
            if (r.name() != null) {
                byRef.putIfAbsent(r.name(), r);
            }
        }
        Map<String, Pending> pendingByRef = new HashMap<>();
        for (Pending p : pending) {
            pendingByRef.put(p.id(), p);
        }
        for (Pending p : pending) {
            if (p.name() != null) {
                pendingByRef.putIfAbsent(p.name(), p);
            }
        }
        Map<String, SigmaCorrelation> done = new LinkedHashMap<>();
        Set<String> failed = new HashSet<>();
        for (Pending p : pending) {
            resolve(p, byRef, pendingByRef, done, failed, new HashSet<>(), refused);
        }
        return List.copyOf(done.values());
    }

    private static SigmaCorrelation resolve(Pending p, Map<String, Object> byRef, Map<String, Pending> pendingByRef,
                                            Map<String, SigmaCorrelation> done, Set<String> failed, Set<String> visiting,
                                            List<RuleRefusal> refused) {
        if (done.containsKey(p.id())) {
            return done.get(p.id());
        }
        if (failed.contains(p.id())) {
            return null;
        }
        if (!visiting.add(p.id())) {
            failed.add(p.id());
            refused.add(new RuleRefusal(p.file(), p.line(), p.id(), "correlation references form a cycle through " + p.id()));
            return null;
        }
        List<Object> resolved = new ArrayList<>();
        for (String ref : p.refs()) {
            Object target = byRef.get(ref);
            if (target == null && pendingByRef.containsKey(ref)) {
                target = resolve(pendingByRef.get(ref), byRef, pendingByRef, done, failed, visiting, refused);
                if (target == null) {
                    if (failed.add(p.id())) {
                        refused.add(new RuleRefusal(p.file(), p.line(), p.id(), "the correlation '" + ref + "' it refers to was refused"));
                    }
                    visiting.remove(p.id());
                    return null;
                }
            }
            if (target == null) {
                failed.add(p.id());
                refused.add(new RuleRefusal(p.file(), p.line(), p.id(), "rule '" + ref + "' it refers to is not loaded"
                        + " (no loaded rule or correlation has that id or name)"));
                visiting.remove(p.id());
                return null;
            }
            resolved.add(target);
        }
        visiting.remove(p.id());
        SigmaCorrelation c = new SigmaCorrelation(p.id(), p.name(), p.title(), p.file(), p.line(), p.level(), p.confidence(),
                p.attack(), p.other(), p.status(), p.type(), resolved, p.refs(), p.groupBy(), p.aliases(), p.timespan(),
                p.condition(), p.generate());
        done.put(p.id(), c);
        return c;
    }

    private static Node required(Map<String, Node> c, String key, Node section) {
        Node n = c.get(key);
        if (n == null) {
            throw new RefusedConstruct(section, "correlation." + key + " is required");
        }
        return n;
    }

    private static List<String> strings(Node node, String what) {
        List<String> out = new ArrayList<>();
        if (node instanceof SequenceNode list) {
            for (Node n : list.getValue()) {
                out.add(SigmaRuleLoader.scalar(n, what));
            }
        } else {
            out.add(SigmaRuleLoader.scalar(node, what));
        }
        for (String s : out) {
            if (s == null || s.isBlank()) {
                throw new RefusedConstruct(node, what + " holds an empty value");
            }
        }
        return out;
    }

    /** {@code number + letter}: s, m, h, d. */
    static Duration timespan(Node node) {
        String t = SigmaRuleLoader.scalar(node, "correlation.timespan");
        if (t == null || !t.matches("[1-9][0-9]{0,8}[smhd]")) {
            throw new RefusedConstruct(node, "timespan '" + t + "' is not a number and a unit (s, m, h, d), e.g. 5m");
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    private static Map<String, Map<String, String>> aliases(Node node, List<String> refs) {
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof MappingNode map)) {
            throw new RefusedConstruct(node, "correlation.aliases must be a map");
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (NodeTuple t : map.getValue()) {
            String alias = ((ScalarNode) t.getKeyNode()).getValue();
            if (!(t.getValueNode() instanceof MappingNode fields)) {
                throw new RefusedConstruct(t.getValueNode(), "alias '" + alias + "' must map rule names to fields");
            }
            Map<String, String> byRule = new LinkedHashMap<>();
            for (NodeTuple f : fields.getValue()) {
                String rule = ((ScalarNode) f.getKeyNode()).getValue();
                if (!refs.contains(rule)) {
                    throw new RefusedConstruct(f.getKeyNode(), "alias '" + alias + "' names rule '" + rule
                            + "', which correlation.rules does not list");
                }
                byRule.put(rule, SigmaRuleLoader.scalar(f.getValueNode(), "correlation.aliases." + alias + "." + rule));
            }
            out.put(alias, Map.copyOf(byRule));
        }
        return out;
    }

    private static SigmaCorrelation.Condition condition(Node node, SigmaCorrelation.Type type, int rules, Node section) {
        boolean temporal = type == SigmaCorrelation.Type.TEMPORAL || type == SigmaCorrelation.Type.TEMPORAL_ORDERED;
        if (node == null) {
            if (temporal) {
                return new SigmaCorrelation.Condition(rules, Long.MAX_VALUE, List.of()); // every referred rule
            }
            throw new RefusedConstruct(section, "correlation.condition is required for " + type.sigmaName());
        }
        if (!(node instanceof MappingNode map)) {
            throw new RefusedConstruct(node, "correlation.condition must be a map");
        }
        long min = Long.MIN_VALUE;
        long max = Long.MAX_VALUE;
        boolean lower = false;
        List<String> fields = List.of();
        for (NodeTuple t : map.getValue()) {
            String k = ((ScalarNode) t.getKeyNode()).getValue();
            if (k.equals("field")) {
                fields = strings(t.getValueNode(), "correlation.condition.field");
                continue;
            }
            String v = SigmaRuleLoader.scalar(t.getValueNode(), "correlation.condition." + k);
            long n;
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new RefusedConstruct(t.getValueNode(), "correlation.condition." + k + " must be a whole number, found '" + v + "'");
            }
            switch (k) {
                case "gt" -> { min = Math.max(min, n + 1); lower = true; }
                case "gte" -> { min = Math.max(min, n); lower = true; }
                case "eq" -> { min = Math.max(min, n); max = Math.min(max, n); lower = true; }
                case "lt" -> max = Math.min(max, n - 1);
                case "lte" -> max = Math.min(max, n);
                case "neq" -> throw new RefusedConstruct(t.getKeyNode(), "condition 'neq' is not supported: a count is judged when"
                        + " an event arrives, and 'different from' holds before the timespan has run");
                default -> throw new RefusedConstruct(t.getKeyNode(), "unknown condition '" + k + "' (gt, gte, lt, lte, eq, neq, field)");
            }
        }
        if (!lower) {
            throw new RefusedConstruct(node, "a condition with only an upper bound (lt, lte) is not supported: a count is judged"
                    + " when an event arrives, so an upper bound alone would hold at the first event; give a lower bound too");
        }
        if (min < 1) {
            min = 1; // judged when a matching event arrives: at least one
        }
        if (min > max) {
            throw new RefusedConstruct(node, "the condition can never hold (" + min + " > " + max + ")");
        }
        if (type == SigmaCorrelation.Type.VALUE_COUNT && fields.isEmpty()) {
            throw new RefusedConstruct(node, "value_count needs correlation.condition.field");
        }
        if (type != SigmaCorrelation.Type.VALUE_COUNT && !fields.isEmpty()) {
            throw new RefusedConstruct(node, "correlation.condition.field belongs to value_count, not " + type.sigmaName());
        }
        if (temporal && min > rules) {
            throw new RefusedConstruct(node, "the condition needs " + min + " distinct rules but correlation.rules lists " + rules);
        }
        if (min > MAX_COUNT) {
            throw new RefusedConstruct(node, "a count above " + MAX_COUNT + " is not supported (the events one group holds)");
        }
        return new SigmaCorrelation.Condition(min, max, fields);
    }
}
