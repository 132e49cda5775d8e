package io.itdr.spi.config;

/** The type of a configuration property; values arrive as strings and are parsed by type. */
public enum ConfigType {
    STRING,
    /** A whole number (int range). */
    INT,
    BOOLEAN,
    /** ISO-8601 ({@code PT30S}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}. */
    DURATION,
    /** An absolute URI. */
    URI,
    /** A comma-separated list of strings; blanks are dropped. */
    LIST,
    /** One of {@link ConfigProperty#allowedValues()}. */
    ENUM
}
