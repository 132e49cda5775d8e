package io.itdr.core.decide.policy;

import java.util.Objects;

/**
 * One thing wrong with a policy file, located for the person who has to fix it. Immutable.
 *
 * @param file   the file or source name; never null
 * @param line   1-based line; 0 when the problem concerns the whole file (unreadable, empty)
 * @param column 1-based column; 0 when unknown
 * @param path   where in the document ({@code rules[2].when}); empty for the whole document; never null
 * @param reason what is wrong and, where possible, what is expected; never null
 */
public record PolicyProblem(String file, int line, int column, String path, String reason) {
    public PolicyProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
    }

    /** {@code file:line:column: path: reason}, the form editors and CI logs link to. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + (path.isEmpty() ? "" : path + ": ") + reason;
    }
}
