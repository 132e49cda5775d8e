package io.itdr.server.query;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The policies activated at run time, newest first. */
public interface PolicyVersionQueries {
    /**
     * One activated version.
     *
     * @param version        1, 2, 3… in activation order
     * @param sha256         hex SHA-256 of the policy's UTF-8 bytes
     * @param name           the policy's name
     * @param policyVersion  the policy's own version label
     * @param body           the policy text (YAML); empty in history listings
     * @param activatedBy    the ledger actor who activated it
     * @param activatedAt    when
     * @param reason         why, in their words
     * @param previousSha256 the hash of the policy it replaced; null when unknown
     */
    record PolicyVersion(long version, String sha256, String name, String policyVersion, String body, String activatedBy,
                         Instant activatedAt, String reason, String previousSha256) {
        public PolicyVersion {
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(body, "body");
            Objects.requireNonNull(activatedBy, "activatedBy");
            Objects.requireNonNull(activatedAt, "activatedAt");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The newest version with its text; empty when no policy was ever activated at run time. */
    Optional<PolicyVersion> latest();

    /** The newest {@code limit} versions, newest first, without their text. */
    List<PolicyVersion> history(int limit);
}
