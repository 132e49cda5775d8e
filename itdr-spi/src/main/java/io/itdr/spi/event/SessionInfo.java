package io.itdr.spi.event;

import java.time.Duration;
import java.time.Instant;

/**
 * The token or session an event was made with. Every field may be null.
 *
 * @param sessionId a platform session id (Okta session, AWS role session name)
 * @param tokenId   an id of the bearer token (a hash, a jti, the temporary access key id);
 *                  never the token itself
 * @param issuedAt  when the token or session was issued
 * @param mfa       whether the session was established with MFA
 */
public record SessionInfo(String sessionId, String tokenId, Instant issuedAt, Boolean mfa) {

    /** Age of the token at {@code at}, or null when the issue time is unknown. */
    public Duration ageAt(Instant at) {
        return issuedAt == null ? null : Duration.between(issuedAt, at);
    }

    /** The identifier that best names the bearer material: token id, else session id; may be null. */
    public String replayKey() {
        return tokenId != null ? tokenId : sessionId;
    }
}
