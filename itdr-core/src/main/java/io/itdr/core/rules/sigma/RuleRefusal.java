package io.itdr.core.rules.sigma;

import java.util.Objects;

/**
 * A rule that did not load, and why.
 *
 * @param file   the rule file; never null
 * @param line   1-based line of the construct at fault; 0 when it concerns the whole file
 * @param rule   the rule's id or title when it was read before the problem; may be null
 * @param reason what is wrong, in words a rule author acts on; never null
 */
public record RuleRefusal(String file, int line, String rule, String reason) {
    public RuleRefusal {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code file:line: reason}, as compilers print it. */
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (rule != null ? rule + ": " : "") + reason;
    }
}
