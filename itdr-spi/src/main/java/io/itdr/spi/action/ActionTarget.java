package io.itdr.spi.action;

import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.util.Objects;

/**
 * What an action acts on.
 *
 * @param tenant     account or organisation; may be null
 * @param identity   the identity; never null
 * @param credential the credential, for credential rungs; may be null for identity and session rungs
 */
public record ActionTarget(String tenant, IdentityRef identity, CredentialRef credential) {
    public ActionTarget {
        Objects.requireNonNull(identity, "identity");
    }
}
