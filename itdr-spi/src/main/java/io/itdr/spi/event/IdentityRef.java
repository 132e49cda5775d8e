package io.itdr.spi.event;

import java.util.Objects;

/**
 * Which non-human identity an event or action concerns.
 *
 * @param id   the platform's stable identifier (an ARN, an Okta app id, a GCP service account
 *             email); never null or blank. Together with platform and tenant it keys all state.
 * @param kind what sort of identity, lower-case ("iam_user", "iam_role", "service_app",
 *             "api_token", "service_account", "workload_identity"); may be null when unknown
 * @param name a display name; may be null
 */
public record IdentityRef(String id, String kind, String name) {
    public IdentityRef {
        Objects.requireNonNull(id, "identity id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("identity id must not be blank");
        }
    }

    public static IdentityRef of(String id) {
        return new IdentityRef(id, null, null);
    }
}
