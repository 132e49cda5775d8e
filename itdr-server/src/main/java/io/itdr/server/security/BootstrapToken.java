package io.itdr.server.security;

import java.io.PrintStream;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin token, so a fresh server can be administered at all: at start-up, when no token
 * can authenticate, an admin token named {@value #NAME} is created, from
 * {@code itdr.security.bootstrap-admin-token} when the operator set one, else generated and
 * printed once to standard output (not to the log). Thread-safe after construction.
 */
public final class BootstrapToken {
    private static final Logger LOG = LoggerFactory.getLogger(BootstrapToken.class);
    public static final String NAME = "bootstrap-admin";
    /** Creator and principal of the bootstrap token: nobody in particular, so tokens it issues without a principal are its own. */
    private static final String CREATOR = "system:bootstrap";
    private static final String REASON = "no API token could authenticate at start-up";

    private final String generated;

    /**
     * @param configured the operator's token; null or blank to generate one
     * @param out        where a generated token is printed
     * @throws IllegalStateException when the configured token does not look like a token, or is
     *                               stored already but revoked or expired (it is never revived)
     */
    public BootstrapToken(ApiTokens tokens, String configured, PrintStream out) {
        if (tokens.anyActive()) {
            this.generated = null;
            return;
        }
        if (configured != null && !configured.isBlank()) {
            if (!ApiTokens.looksLikeToken(configured)) {
                throw new IllegalStateException("itdr.security.bootstrap-admin-token: an API token is '" + ApiTokens.PREFIX
                        + "' followed by at least 27 characters of A-Z, a-z, 0-9, '-' or '_' (32 or more in all)");
            }
            if (tokens.known(configured)) {
                throw new IllegalStateException("itdr.security.bootstrap-admin-token: that token was revoked or has expired "
                        + "and is not revived; set a new one");
            }
            tokens.importToken(configured, NAME, CREATOR, Set.of(Role.ADMIN), CREATOR, REASON);
            LOG.info("no active API token: the configured bootstrap admin token was stored");
            this.generated = null;
            return;
        }
        ApiTokens.Issued issued = tokens.issue(NAME, CREATOR, Set.of(Role.ADMIN), null, CREATOR, REASON);
        this.generated = issued.value();
        out.println();
        out.println("==============================================================================");
        out.println(" itdr: no API token existed, so an admin token was created. It is shown once:");
        out.println();
        out.println(" bootstrap admin token: " + generated);
        out.println();
        out.println(" Use it as 'Authorization: Bearer <token>' to create tokens for people and");
        out.println(" automation (POST /api/v1/tokens), then revoke it (DELETE /api/v1/tokens/" + issued.token().id() + ").");
        out.println("==============================================================================");
        out.println();
        out.flush();
        LOG.info("no active API token: bootstrap admin token {} generated and printed to standard output", issued.token().id());
    }

    /** The token generated at this start-up (for a launcher to show again); empty when none was generated. */
    public Optional<String> generatedToken() {
        return Optional.ofNullable(generated);
    }
}
