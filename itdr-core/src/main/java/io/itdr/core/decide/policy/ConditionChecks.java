package io.itdr.core.decide.policy;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Checks of a type-checked condition that CEL leaves to run time. A regular expression given as a
 * constant to {@code matches} is compiled with RE2J, the engine CEL evaluates it with, so
 * {@code matches('(')} is refused at load instead of failing at every evaluation. Stateless.
 */
final class ConditionChecks {
    private ConditionChecks() {
    }

    /** The first constant regex RE2 refuses, described; null when every one compiles (or none is constant). */
    static String invalidRegex(CelExpr root) {
        Deque<CelExpr> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            CelExpr e = todo.pop();
            switch (e.getKind()) {
                case CALL -> {
                    CelExpr.CelCall call = e.call();
                    if ("matches".equals(call.function())) {
                        // receiver style s.matches(re), or global matches(s, re)
                        CelExpr pattern = call.target().isPresent() ? first(call, 0) : first(call, 1);
                        String problem = pattern == null ? null : check(pattern);
                        if (problem != null) {
                            return problem;
                        }
                    }
                    call.target().ifPresent(todo::push);
                    call.args().forEach(todo::push);
                }
                case LIST -> e.list().elements().forEach(todo::push);
                case MAP -> e.map().entries().forEach(entry -> {
                    todo.push(entry.key());
                    todo.push(entry.value());
                });
                case STRUCT -> e.struct().entries().forEach(entry -> todo.push(entry.value()));
                case SELECT -> todo.push(e.select().operand());
                case COMPREHENSION -> {
                    CelExpr.CelComprehension c = e.comprehension();
                    todo.push(c.iterRange());
                    todo.push(c.accuInit());
                    todo.push(c.loopCondition());
                    todo.push(c.loopStep());
                    todo.push(c.result());
                }
                default -> {
                    // constants, identifiers: nothing inside
                }
            }
        }
        return null;
    }

    private static CelExpr first(CelExpr.CelCall call, int index) {
        return call.args().size() > index ? call.args().get(index) : null;
    }

    private static String check(CelExpr pattern) {
        if (pattern.getKind() != CelExpr.ExprKind.Kind.CONSTANT
                || pattern.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
            return null; // computed at run time: a failure there is an evaluation error, counted
        }
        String regex = pattern.constant().stringValue();
        try {
            Pattern.compile(regex);
            return null;
        } catch (PatternSyntaxException e) {
            return "invalid regular expression '" + regex + "' in matches(): " + e.getDescription();
        }
    }
}
