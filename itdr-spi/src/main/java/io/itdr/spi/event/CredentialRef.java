package io.itdr.spi.event;

import java.util.Objects;

/**
 * The credential used in an event or targeted by an action.
 *
 * @param id   platform id of the credential (access key id, client secret id, key id); never null.
 *             Never the secret itself.
 * @param kind "access_key", "session_key", "client_secret", "jwk", "api_token", ...; may be null
 */
public record CredentialRef(String id, String kind) {
    public CredentialRef {
        Objects.requireNonNull(id, "credential id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("credential id must not be blank");
        }
    }
}
