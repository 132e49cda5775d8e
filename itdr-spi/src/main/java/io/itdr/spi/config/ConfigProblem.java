package io.itdr.spi.config;

import java.util.Objects;

/**
 * One thing wrong with a connector's configuration.
 *
 * @param property the property name as the connector declares it; never null
 * @param reason   what is wrong, never containing a secret value; never null
 */
public record ConfigProblem(String property, String reason) {
    public ConfigProblem {
        Objects.requireNonNull(property, "property");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return property + ": " + reason;
    }
}
