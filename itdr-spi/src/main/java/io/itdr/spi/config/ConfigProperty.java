package io.itdr.spi.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One configuration property a connector accepts, in the manner of Kafka's ConfigDef: typed,
 * described, required or defaulted, and flagged when secret so hosts mask it everywhere.
 *
 * @param name          property name, lower-case with dots or dashes ("role-arn", "org-url"); never null
 * @param type          value type; never null
 * @param description   what it is for and what the operator should put there; never blank
 * @param required      whether a value must be given (a required property has no default)
 * @param secret        whether the value is a secret: masked in listings, logs and errors
 * @param defaultValue  value used when none is given, as text; null for none
 * @param allowedValues for {@link ConfigType#ENUM}, the accepted values; empty otherwise
 */
public record ConfigProperty(String name, ConfigType type, String description, boolean required,
                             boolean secret, String defaultValue, List<String> allowedValues) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9]*([.-][a-z0-9]+)*");

    public ConfigProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        allowedValues = List.copyOf(Objects.requireNonNull(allowedValues, "allowedValues"));
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("property name '" + name + "' must be lower-case words joined by '.' or '-'");
        }
        if (description.isBlank()) {
            throw new IllegalArgumentException("property '" + name + "' needs a description");
        }
        if (required && defaultValue != null) {
            throw new IllegalArgumentException("property '" + name + "' is required and so cannot have a default");
        }
        if (secret && defaultValue != null) {
            throw new IllegalArgumentException("secret property '" + name + "' cannot have a default");
        }
        if ((type == ConfigType.ENUM) == allowedValues.isEmpty()) {
            throw new IllegalArgumentException("property '" + name + "': allowed values are given for ENUM properties, and only for them");
        }
    }

    public static ConfigProperty required(String name, ConfigType type, String description) {
        return new ConfigProperty(name, type, description, true, false, null, List.of());
    }

    public static ConfigProperty optional(String name, ConfigType type, String description, String defaultValue) {
        return new ConfigProperty(name, type, description, false, false, defaultValue, List.of());
    }

    public static ConfigProperty secret(String name, String description, boolean required) {
        return new ConfigProperty(name, ConfigType.STRING, description, required, true, null, List.of());
    }

    public static ConfigProperty oneOf(String name, String description, String defaultValue, String... allowed) {
        return new ConfigProperty(name, ConfigType.ENUM, description, defaultValue == null, false, defaultValue, List.of(allowed));
    }
}
