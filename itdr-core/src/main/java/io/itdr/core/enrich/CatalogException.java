package io.itdr.core.enrich;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The identity catalog cannot be loaded. Carries every problem found, not only the first, so an
 * operator fixes the file in one pass; the message has one problem per line,
 * {@code file:line: field: reason}.
 */
public final class CatalogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * One thing wrong with a catalog.
     *
     * @param source the file or source name; never null
     * @param line   1-based line, or 0 when the problem has no line (an unreadable file)
     * @param field  path of the offending field ("identities[2].expected_sources.cidrs[0]"); never null
     * @param reason what is wrong and, where possible, what is expected; never null
     */
    public record Problem(String source, int line, String field, String reason) {
        public Problem {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return source + (line > 0 ? ":" + line : "") + ": " + field + ": " + reason;
        }
    }

    private final transient List<Problem> problems;

    public CatalogException(List<Problem> problems) {
        this(problems, null);
    }

    public CatalogException(List<Problem> problems, Throwable cause) {
        super(format(problems), cause);
        this.problems = List.copyOf(problems);
    }

    /** Every problem, in file order; never empty. */
    public List<Problem> problems() {
        return problems;
    }

    private static String format(List<Problem> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a catalog exception names at least one problem");
        }
        return problems.stream().map(Problem::toString).collect(Collectors.joining("\n"));
    }
}
