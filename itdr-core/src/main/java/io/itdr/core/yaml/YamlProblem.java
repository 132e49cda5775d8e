package io.itdr.core.yaml;

import java.util.Objects;

/**
 * One thing wrong with a YAML file, located but not yet tied to a file name: each kind of file
 * maps it to its own problem type and message format. Immutable.
 *
 * @param line   1-based line; 0 when the problem concerns the whole text
 * @param column 1-based column; 0 when unknown
 * @param path   where in the document ({@code rules[2].when}); empty for the whole document; never null
 * @param reason what is wrong and, where possible, what is expected; never null
 */
public record YamlProblem(int line, int column, String path, String reason) {
    public YamlProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
    }
}
