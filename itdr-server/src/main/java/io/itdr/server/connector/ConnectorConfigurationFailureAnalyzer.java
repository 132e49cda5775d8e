package io.itdr.server.connector;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a bad connector configuration into Spring Boot's start-up report: what is wrong, what to change. */
public class ConnectorConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<ConnectorConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ConnectorConfigurationException cause) {
        return new FailureAnalysis("itdr cannot start its connectors:\n  " + String.join("\n  ", cause.problems()),
                "Fix the properties named above (application.yaml, --itdr.connectors.<id>.* arguments or ITDR_CONNECTORS_<ID>_* "
                        + "environment variables). GET /api/v1/connectors, or the connector's documentation, lists what each "
                        + "connector accepts.", cause);
    }
}
