package io.itdr.connector.gitlab;

import io.itdr.connector.gitlab.normalize.AuditEventNormalizer;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The GitLab connector plugin ({@code gitlab}), found with ServiceLoader. Its export normalizer reads
 * audit event exports and streamed events offline ({@code itdr replay --source gitlab}). Stateless and thread-safe.
 */
public final class GitLabConnectorFactory implements ConnectorFactory {
    public static final String ID = "gitlab";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "GitLab";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return GitLabSettings.PROPERTIES;
    }

    @Override
    public Optional<EventNormalizer> exportNormalizer() {
        return Optional.of(new AuditEventNormalizer());
    }

    /** Builds the HTTP client only; nothing is called until the host polls or checks health. */
    @Override
    public Connector create(ConnectorConfig config, ConnectorContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return new GitLabConnector(GitLabSettings.from(config), context);
    }
}
