package io.itdr.spi.action;

import java.util.Objects;

/**
 * One call a plan will make (or made) on the platform, for people to read and for audits.
 *
 * @param operation the platform's operation name ("iam:UpdateAccessKey", "POST /api/v1/apps/{id}/lifecycle/deactivate"); never null
 * @param resource  what it acts on (key id, app id); never null
 * @param mutating  whether it changes platform state
 */
public record PlatformCall(String operation, String resource, boolean mutating) {
    public PlatformCall {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(resource, "resource");
    }
}
