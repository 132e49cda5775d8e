package io.itdr.server.connector;

import java.util.List;

/**
 * The connectors cannot start as configured; each problem names the property
 * ({@code itdr.connectors.aws.config.region: expected a region name ...}). Start-up stops with it.
 */
public class ConnectorConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    public ConnectorConfigurationException(List<String> problems) {
        super("connector configuration is invalid:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
