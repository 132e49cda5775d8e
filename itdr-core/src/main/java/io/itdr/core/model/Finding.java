package io.itdr.core.model;

import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a detector concluded about an identity. Immutable.
 *
 * @param id              unique, deterministic for the same detector and evidence; never null
 * @param detector        id of the detector ("token_replay"); never null
 * @param time            time of the last evidence event; never null
 * @param identityKey     never null
 * @param platform        never null
 * @param tenant          may be null
 * @param identity        never null
 * @param credential      the credential involved; may be null
 * @param confidence      in [0,1]
 * @param summary         one line for people ("session s-1 used from AS64500 and AS15169 within 4m"); never null
 * @param evidenceEventIds ids of the events that support it, oldest first; never empty
 * @param frameworkTags   OWASP NHI Top 10 (2025), MITRE ATT&amp;CK and NIST CSF 2.0 tags ("OWASP-NHI7", "T1550.001", "DE.CM-09"); never null
 * @param attributes      detector-specific facts (distance, speed, new ASN, dormant days) for rules and evidence; never null
 */
public record Finding(String id, String detector, Instant time, String identityKey, String platform, String tenant,
                      IdentityRef identity, CredentialRef credential, double confidence, String summary,
                      List<String> evidenceEventIds, List<String> frameworkTags, Map<String, String> attributes) {
    public Finding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(detector, "detector");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(identityKey, "identityKey");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(summary, "summary");
        if (Double.isNaN(confidence) || confidence < 0 || confidence > 1) {
            throw new IllegalArgumentException("confidence must be within [0,1]: " + confidence);
        }
        evidenceEventIds = List.copyOf(Objects.requireNonNull(evidenceEventIds, "evidenceEventIds"));
        if (evidenceEventIds.isEmpty()) {
            throw new IllegalArgumentException("a finding cites at least one event");
        }
        frameworkTags = List.copyOf(Objects.requireNonNull(frameworkTags, "frameworkTags"));
        attributes = Map.copyOf(Objects.requireNonNull(attributes, "attributes"));
    }
}
