package io.itdr.core.yaml;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A text is not YAML, or exceeds the limits it was composed under. Carries SnakeYAML's reason and
 * the places that locate it, so that each kind of file words the problem its own way. Immutable.
 */
public final class YamlSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient YAMLException yaml;
    private final transient Mark lastRead;

    YamlSyntaxException(YAMLException yaml, Mark lastRead) {
        super(yaml.getMessage(), yaml);
        this.yaml = yaml;
        this.lastRead = lastRead;
    }

    /**
     * Where SnakeYAML saw the problem or, failing that, the construct it was reading; null when it
     * names no place (a limit exceeded).
     */
    public Mark mark() {
        if (yaml instanceof MarkedYAMLException marked) {
            return marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
        }
        return null;
    }

    /** The problem and, in parentheses, what was being read: "found unexpected end of stream (while scanning a quoted scalar)". */
    public String reason() {
        if (yaml instanceof MarkedYAMLException marked) {
            String problem = marked.getProblem() != null ? marked.getProblem() : marked.getMessage();
            return problem + (marked.getContext() != null ? " (" + marked.getContext() + ")" : "");
        }
        return yaml.getMessage();
    }

    /** The end of the last piece of YAML read whole before the problem; null when nothing was read. */
    public Mark lastRead() {
        return lastRead;
    }
}
