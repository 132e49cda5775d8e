package io.itdr.core.decide.policy;

import io.itdr.core.yaml.YamlReader;
import java.util.Objects;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Changes to a policy's text made by the server on a person's request, keeping the rest of the text
 * (comments, order, layout) as written: the result is a new policy version with its own hash.
 * Stateless.
 */
public final class PolicyEdits {
    private PolicyEdits() {
    }

    /** A requested edit cannot be made; the message says why. */
    public static final class EditException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EditException(String message) {
            super(message);
        }
    }

    /**
     * The policy text with rule {@code ruleId} set to {@code mode: enforce} (its {@code mode} value
     * replaced, or a {@code mode: enforce} line added under its {@code id}).
     *
     * @throws EditException when the text has no such rule, or the rule is written in flow style
     *                       ({@code {id: x, …}}), which this edit does not rewrite
     */
    public static String enforceRule(String yaml, String ruleId) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(ruleId, "ruleId");
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(40);
        Node root = YamlReader.compose(yaml, options).root();
        MappingNode rule = findRule(root, ruleId);
        if (rule == null) {
            throw new EditException("the policy has no rule '" + ruleId + "'");
        }
        if (rule.getFlowStyle() == DumperOptions.FlowStyle.FLOW) {
            throw new EditException("rule '" + ruleId + "' is written in flow style ({id: …}); edit its mode in the file and activate it");
        }
        int[] codePoints = yaml.codePoints().toArray();
        NodeTuple id = null;
        for (NodeTuple t : rule.getValue()) {
            String key = ((ScalarNode) t.getKeyNode()).getValue();
            if ("mode".equals(key) && t.getValueNode() instanceof ScalarNode value) {
                // marks count code points
                return splice(codePoints, value.getStartMark().getIndex(), value.getEndMark().getIndex(), "enforce");
            }
            if ("id".equals(key)) {
                id = t;
            }
        }
        if (id == null) {
            throw new EditException("rule '" + ruleId + "' has no id line to add its mode under");
        }
        int indent = id.getKeyNode().getStartMark().getColumn();
        int end = id.getValueNode().getEndMark().getIndex();
        return splice(codePoints, end, end, "\n" + " ".repeat(indent) + "mode: enforce");
    }

    private static MappingNode findRule(Node root, String ruleId) {
        if (!(root instanceof MappingNode top)) {
            return null;
        }
        for (NodeTuple t : top.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && "rules".equals(k.getValue()) && t.getValueNode() instanceof SequenceNode rules) {
                for (Node item : rules.getValue()) {
                    if (item instanceof MappingNode m) {
                        for (NodeTuple f : m.getValue()) {
                            if (f.getKeyNode() instanceof ScalarNode fk && "id".equals(fk.getValue())
                                    && f.getValueNode() instanceof ScalarNode v && ruleId.equals(v.getValue())) {
                                return m;
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    private static String splice(int[] codePoints, int from, int to, String replacement) {
        StringBuilder b = new StringBuilder();
        b.append(new String(codePoints, 0, from));
        b.append(replacement);
        b.append(new String(codePoints, to, codePoints.length - to));
        return b.toString();
    }
}
