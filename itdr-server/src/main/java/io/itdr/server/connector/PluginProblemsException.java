package io.itdr.server.connector;

import java.util.List;

/**
 * The plugin folder holds a plugin that cannot be loaded (each problem names directory, jar, class
 * and reason). The server does not start half-configured: start-up stops with every problem.
 */
public class PluginProblemsException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String where;
    private final List<String> problems;

    public PluginProblemsException(String where, List<String> problems) {
        super("connector plugins cannot be loaded from " + where + ":\n  " + String.join("\n  ", problems));
        this.where = where;
        this.problems = List.copyOf(problems);
    }

    /** Where plugins were looked for. */
    public String where() {
        return where;
    }

    public List<String> problems() {
        return problems;
    }
}
