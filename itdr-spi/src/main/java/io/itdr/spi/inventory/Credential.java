package io.itdr.spi.inventory;

import java.time.Instant;
import java.util.Objects;

/**
 * One credential of an identity: never the secret, only its metadata.
 *
 * @param id       platform id (access key id, secret id, key id); never null
 * @param kind     "access_key", "client_secret", "jwk", "api_token", "service_account_key", ...; never null
 * @param created  when it was created; may be null when the platform does not say
 * @param lastUsed when it was last used; null when never used or unknown
 * @param expires  when it expires; null when it does not
 * @param status   its state; never null
 */
public record Credential(String id, String kind, Instant created, Instant lastUsed, Instant expires,
                         CredentialStatus status) {
    public Credential {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
    }
}
