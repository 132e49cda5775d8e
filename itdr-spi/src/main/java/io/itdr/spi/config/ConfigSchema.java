package io.itdr.spi.config;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates raw configuration (strings, as they come from properties or the environment)
 * against a connector's declared properties, before the connector is created.
 *
 * <p>All problems are collected and reported together, each naming its property. Unknown keys
 * are problems too: a misspelt property must not be silently ignored. Secret values never
 * appear in a problem's reason. Stateless and thread-safe.
 */
public final class ConfigSchema {
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final String connectorId;
    private final Map<String, ConfigProperty> properties;

    public ConfigSchema(String connectorId, List<ConfigProperty> properties) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        Map<String, ConfigProperty> byName = new LinkedHashMap<>();
        for (ConfigProperty p : properties) {
            if (byName.putIfAbsent(p.name(), p) != null) {
                throw new IllegalArgumentException("connector '" + connectorId + "' declares property '" + p.name() + "' twice");
            }
        }
        this.properties = Map.copyOf(byName);
    }

    /**
     * Checks raw values and returns them typed.
     *
     * @param raw property name → value as text; never null
     * @return the validated configuration
     * @throws ConnectorException with {@link ErrorCode#CONFIG_INVALID}, listing every problem
     */
    public ConnectorConfig validate(Map<String, String> raw) {
        List<ConfigProblem> problems = check(raw);
        if (!problems.isEmpty()) {
            StringBuilder message = new StringBuilder("Invalid configuration for connector '")
                    .append(connectorId).append("':");
            for (ConfigProblem p : problems) {
                message.append("\n  - ").append(p);
            }
            throw new InvalidConfigException(message.toString(), problems);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (ConfigProperty p : properties.values()) {
            String text = raw.get(p.name());
            if (text == null || text.isBlank()) {
                text = p.defaultValue();
            }
            if (text != null) {
                values.put(p.name(), parse(p, text.trim()));
            }
        }
        return new ConnectorConfig(connectorId, properties, values);
    }

    /** Every problem with {@code raw}, in a stable order; empty when it is valid. */
    public List<ConfigProblem> check(Map<String, String> raw) {
        Objects.requireNonNull(raw, "raw");
        List<ConfigProblem> problems = new ArrayList<>();
        Set<String> unknown = new HashSet<>(raw.keySet());
        unknown.removeAll(properties.keySet());
        unknown.stream().sorted().forEach(k -> problems.add(new ConfigProblem(k,
                "unknown property; known properties are " + properties.keySet().stream().sorted().toList())));
        properties.values().stream().sorted((a, b) -> a.name().compareTo(b.name())).forEach(p -> {
            String text = raw.get(p.name());
            if (text == null || text.isBlank()) {
                if (p.required()) {
                    problems.add(new ConfigProblem(p.name(), "is required: " + p.description()));
                }
                return;
            }
            try {
                parse(p, text.trim());
            } catch (IllegalArgumentException e) {
                problems.add(new ConfigProblem(p.name(), e.getMessage()));
            }
        });
        return problems;
    }

    static Object parse(ConfigProperty p, String text) {
        String shown = p.secret() ? "(secret value)" : "'" + text + "'";
        switch (p.type()) {
            case STRING:
                return p.secret() ? Secret.of(text) : text;
            case INT:
                try {
                    return Integer.parseInt(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a whole number, got " + shown);
                }
            case BOOLEAN:
                if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                    return Boolean.parseBoolean(text);
                }
                throw new IllegalArgumentException("expected true or false, got " + shown);
            case DURATION:
                return parseDuration(text, shown);
            case URI:
                try {
                    URI uri = new URI(text);
                    if (!uri.isAbsolute()) {
                        throw new IllegalArgumentException("expected an absolute URI (with scheme), got " + shown);
                    }
                    return uri;
                } catch (URISyntaxException e) {
                    throw new IllegalArgumentException("expected a URI, got " + shown + ": " + e.getReason());
                }
            case LIST:
                return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            case ENUM:
                for (String allowed : p.allowedValues()) {
                    if (allowed.equalsIgnoreCase(text)) {
                        return allowed;
                    }
                }
                throw new IllegalArgumentException("expected one of " + p.allowedValues() + ", got " + shown);
            default:
                throw new IllegalStateException("unhandled type " + p.type());
        }
    }

    private static Duration parseDuration(String text, String shown) {
        Matcher m = SIMPLE_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected a duration such as 30s, 5m or PT30S, got " + shown);
        }
    }

    /** Raised by {@link #validate}; carries the problems for hosts that report them one by one. */
    public static final class InvalidConfigException extends ConnectorException {
        private static final long serialVersionUID = 1L;
        private final transient List<ConfigProblem> problems;

        InvalidConfigException(String message, List<ConfigProblem> problems) {
            super(ErrorCode.CONFIG_INVALID, message);
            this.problems = List.copyOf(problems);
        }

        public List<ConfigProblem> problems() {
            return problems;
        }
    }
}
