package io.itdr.core.model;

import java.util.Objects;

/**
 * Which policy made a decision: recorded with every decision and ledger entry.
 *
 * @param name    never null
 * @param version never null
 * @param sha256  hex SHA-256 of the policy file's bytes; never null
 */
public record PolicyRef(String name, String version, String sha256) {
    public PolicyRef {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
    }
}
