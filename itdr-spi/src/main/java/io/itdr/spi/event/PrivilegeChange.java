package io.itdr.spi.event;

import java.util.List;
import java.util.Objects;

/**
 * Privileges an event touched: for a {@link EventCategory#PRIVILEGE_CHANGE}, what was granted or
 * removed; for a use, what the call exercised.
 *
 * @param scopes  privilege names ("iam:*", "s3:GetObject", "okta.users.manage",
 *                "arn:aws:iam::aws:policy/AdministratorAccess"); never null, may be empty
 * @param granted true when the change adds privileges, false when it removes them; null for a use
 */
public record PrivilegeChange(List<String> scopes, Boolean granted) {
    public PrivilegeChange {
        scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
    }
}
