package io.itdr.connector.example;

import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigType;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.List;
import java.util.Optional;

/**
 * The plugin's entry point, listed in {@code META-INF/services/io.itdr.spi.ConnectorFactory}.
 * Stateless and thread-safe.
 */
public final class ExampleConnectorFactory implements ConnectorFactory {

    static final String BASE_URL = "base-url";
    static final String API_TOKEN = "api-token";
    static final String REQUEST_TIMEOUT = "request-timeout";

    @Override
    public String id() {
        return ExampleEventNormalizer.PLATFORM;
    }

    @Override
    public String displayName() {
        return "Example platform (reference connector)";
    }

    @Override
    public List<ConfigProperty> configProperties() {
        return List.of(
                ConfigProperty.required(BASE_URL, ConfigType.URI,
                        "Base URL of the platform's API, e.g. https://example.test; paths such as /api/events are appended."),
                ConfigProperty.secret(API_TOKEN,
                        "API token sent as a bearer token; it needs the audit:read, apps:read and apps:write scopes.", true),
                ConfigProperty.optional(REQUEST_TIMEOUT, ConfigType.DURATION,
                        "Longest wait for one API call, e.g. 10s; defaults to the host's HTTP request timeout.", null));
    }

    @Override
    public Optional<EventNormalizer> exportNormalizer() {
        return Optional.of(new ExampleEventNormalizer());
    }

    /** Builds the HTTP client only; nothing is called until the host polls or acts. */
    @Override
    public Connector create(ConnectorConfig config, ConnectorContext context) {
        ExampleApi api = new ExampleApi(
                config.require(BASE_URL, config.uri(BASE_URL)),
                config.require(API_TOKEN, config.secret(API_TOKEN)),
                context.http().connectTimeout(),
                config.duration(REQUEST_TIMEOUT).orElse(context.http().requestTimeout()),
                context.http().proxy(),
                context.metrics());
        return new ExampleConnector(api, context.clock());
    }
}
