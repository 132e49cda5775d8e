package io.itdr.core.rules.sigma;

import org.yaml.snakeyaml.nodes.Node;

/** Thrown while a rule is read: the rule uses something this engine does not implement or is not valid Sigma. */
final class RefusedConstruct extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int line;

    RefusedConstruct(int line, String reason) {
        super(reason, null, false, false);
        this.line = line;
    }

    RefusedConstruct(Node at, String reason) {
        this(at == null ? 0 : at.getStartMark().getLine() + 1, reason);
    }
}
