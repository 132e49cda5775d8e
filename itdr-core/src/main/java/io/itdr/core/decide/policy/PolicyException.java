package io.itdr.core.decide.policy;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A policy was refused. Carries every problem found, not just the first, so one edit-run cycle
 * fixes them all. The message has one {@code file:line:column: path: reason} line per problem.
 */
public final class PolicyException extends RuntimeException {
    private final transient List<PolicyProblem> problems;

    public PolicyException(List<PolicyProblem> problems) {
        super(render(problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, in document order; never empty. */
    public List<PolicyProblem> problems() {
        return problems;
    }

    private static String render(List<PolicyProblem> problems) {
        Objects.requireNonNull(problems, "problems");
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a refused policy has at least one problem");
        }
        return problems.stream().map(PolicyProblem::toString).collect(Collectors.joining("\n"));
    }
}
