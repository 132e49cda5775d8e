package io.itdr.core.decide.policy;

import io.itdr.core.yaml.YamlReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Locates the first byte of a policy that is not UTF-8: its line, column and offset, and, when the
 * rest of the document can be read, the rule it falls in, so the person fixing it finds it.
 * Stateless.
 */
final class Utf8Problem {
    private Utf8Problem() {
    }

    static PolicyProblem locate(byte[] bytes, String source) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        int offset = result.isError() ? in.position() : bytes.length;
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = offset - lineStart + 1;
        String rule = ruleAt(bytes, line);
        String reason = "not UTF-8 text: byte 0x" + String.format("%02x", bytes[Math.min(offset, bytes.length - 1)] & 0xff)
                + " at byte offset " + offset + (rule == null ? "" : ", in rule '" + rule + "'")
                + "; a policy is UTF-8";
        return new PolicyProblem(source, line, column, rule == null ? "" : "rules", reason);
    }

    /** The id of the rule whose text spans {@code line}, read from a lenient decoding; null when unknown. */
    private static String ruleAt(byte[] bytes, int line) {
        String lenient = new String(bytes, StandardCharsets.UTF_8); // bad bytes become U+FFFD, lines stay
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(20);
        options.setNestingDepthLimit(40);
        Node root;
        try {
            root = YamlReader.compose(lenient, options).root();
        } catch (RuntimeException e) { // YamlSyntaxException among others: then no rule is named
            return null;
        }
        if (!(root instanceof MappingNode top)) {
            return null;
        }
        for (NodeTuple t : top.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && "rules".equals(k.getValue()) && t.getValueNode() instanceof SequenceNode rules) {
                for (Node rule : rules.getValue()) {
                    int first = rule.getStartMark().getLine() + 1;
                    int end = rule.getEndMark().getLine() + 1; // a block mapping ends where the next token starts
                    boolean within = line >= first && (line < end || line == first || end == first
                            || rule.getEndMark().getColumn() > 0 && line == end);
                    if (within && rule instanceof MappingNode m) {
                        for (NodeTuple f : m.getValue()) {
                            if (f.getKeyNode() instanceof ScalarNode fk && "id".equals(fk.getValue()) && f.getValueNode() instanceof ScalarNode id) {
                                return id.getValue();
                            }
                        }
                    }
                }
            }
        }
        return null;
    }
}
