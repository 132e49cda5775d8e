package io.itdr.connector.github;

import io.itdr.connector.github.normalize.AuditLogNormalizer;
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
 * The GitHub connector plugin ({@code github}), found with ServiceLoader. Its export normalizer reads
 * audit log exports and streamed files offline ({@code itdr replay --source github}): it knows no org of
 * its own, so an event's tenant is the org the record names. Stateless and thread-safe.
 */
public final class GitHubConnectorFactory implements ConnectorFactory {
    public static final String ID = "github";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String displayName() {
        return "GitHub";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return GitHubSettings.PROPERTIES;
    }

    @Override
    public Optional<EventNormalizer> exportNormalizer() {
        return Optional.of(new AuditLogNormalizer());
    }

    /** Builds the HTTP client only; nothing is called until the host polls or checks health. */
    @Override
    public Connector create(ConnectorConfig config, ConnectorContext context) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        return new GitHubConnector(GitHubSettings.from(config), context);
    }
}
