package io.itdr.spi.config;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A connector's configuration after {@link ConfigSchema#validate}: typed values for declared
 * properties, defaults applied. Getters for an absent optional property return empty.
 * Asking for a property the connector did not declare, or with the wrong type, is a bug in the
 * connector and throws {@link IllegalArgumentException}.
 *
 * <p>{@link #toString()} masks secrets. Immutable and thread-safe.
 */
public final class ConnectorConfig {
    private final String connectorId;
    private final Map<String, ConfigProperty> properties;
    private final Map<String, Object> values;

    ConnectorConfig(String connectorId, Map<String, ConfigProperty> properties, Map<String, Object> values) {
        this.connectorId = connectorId;
        this.properties = properties;
        this.values = Map.copyOf(values);
    }

    public String connectorId() {
        return connectorId;
    }

    public Optional<String> string(String name) {
        return get(name, ConfigType.STRING, String.class);
    }

    public Optional<Integer> integer(String name) {
        return get(name, ConfigType.INT, Integer.class);
    }

    public Optional<Boolean> bool(String name) {
        return get(name, ConfigType.BOOLEAN, Boolean.class);
    }

    public Optional<Duration> duration(String name) {
        return get(name, ConfigType.DURATION, Duration.class);
    }

    public Optional<URI> uri(String name) {
        return get(name, ConfigType.URI, URI.class);
    }

    public Optional<String> choice(String name) {
        return get(name, ConfigType.ENUM, String.class);
    }

    @SuppressWarnings("unchecked")
    public List<String> list(String name) {
        return get(name, ConfigType.LIST, List.class).map(l -> (List<String>) l).orElse(List.of());
    }

    public Optional<Secret> secret(String name) {
        ConfigProperty p = declared(name);
        if (!p.secret()) {
            throw new IllegalArgumentException("property '" + name + "' of connector '" + connectorId + "' is not declared secret");
        }
        return Optional.ofNullable((Secret) values.get(name));
    }

    /** A value the connector cannot work without, even though the schema made it optional. */
    public <T> T require(String name, Optional<T> value) {
        return value.orElseThrow(() -> new ConnectorException(ErrorCode.CONFIG_INVALID,
                "Invalid configuration for connector '" + connectorId + "': " + name + ": is required here"));
    }

    private <T> Optional<T> get(String name, ConfigType type, Class<T> javaType) {
        ConfigProperty p = declared(name);
        if (p.type() != type) {
            throw new IllegalArgumentException("property '" + name + "' is " + p.type() + ", not " + type);
        }
        if (p.secret()) {
            throw new IllegalArgumentException("property '" + name + "' is secret: read it with secret()");
        }
        return Optional.ofNullable(javaType.cast(values.get(name)));
    }

    private ConfigProperty declared(String name) {
        ConfigProperty p = properties.get(Objects.requireNonNull(name, "name"));
        if (p == null) {
            throw new IllegalArgumentException("connector '" + connectorId + "' did not declare property '" + name + "'");
        }
        return p;
    }

    @Override
    public String toString() {
        Map<String, Object> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, properties.get(k).secret() ? "****" : v));
        return "ConnectorConfig[" + connectorId + "]" + shown;
    }
}
