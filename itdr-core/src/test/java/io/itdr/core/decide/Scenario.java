package io.itdr.core.decide;

import io.itdr.core.model.Criticality;
import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.core.model.Lifecycle;
import io.itdr.core.model.Maturity;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds findings, identities and events for decide tests (a mutable builder: setters change this
 * scenario; start from {@link #of} for an independent one). Defaults describe a well-catalogued
 * identity that no built-in guardrail objects to: owner team-a, tier2, one consumer, expected
 * sources stated, a secret destination, a credential on the finding.
 */
final class Scenario {
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    static final String PLATFORM = "aws";
    static final IdentityRef IDENTITY = new IdentityRef("arn:aws:iam::111122223333:user/ci-deployer", "iam_user", "ci-deployer");
    static final CredentialRef CREDENTIAL = new CredentialRef("AKIAEXAMPLE1", "access_key");

    private String detector = "token_replay";
    private double confidence = 0.93;
    private String findingId = "f-1";
    private Instant time = T0;
    private CredentialRef credential = CREDENTIAL;
    private Map<String, String> attributes = Map.of();
    private String platform = PLATFORM;
    private IdentityRef identityRef = IDENTITY;

    private String owner = "team-a";
    private Criticality criticality = Criticality.TIER2;
    private Maturity maturity;
    private List<String> consumers = List.of("deploy-pipeline");
    private ExpectedSources expected = new ExpectedSources(List.of("10.0.0.0/8"), List.of(), List.of(), List.of());
    private String secretDestination = "vault:kv/ci-deployer";
    private Map<String, String> tags = Map.of();

    static Scenario of(String detector, double confidence) {
        Scenario s = new Scenario();
        s.detector = detector;
        s.confidence = confidence;
        return s;
    }

    Scenario findingId(String id) { this.findingId = id; return this; }
    Scenario at(Instant t) { this.time = t; return this; }
    Scenario noCredential() { this.credential = null; return this; }
    Scenario attributes(Map<String, String> a) { this.attributes = a; return this; }
    Scenario platform(String p) { this.platform = p; return this; }
    Scenario identity(String id) { this.identityRef = new IdentityRef(id, "iam_user", id); return this; }
    Scenario owner(String o) { this.owner = o; return this; }
    Scenario criticality(Criticality c) { this.criticality = c; return this; }
    Scenario maturity(Maturity m) { this.maturity = m; return this; }
    Scenario consumers(String... c) { this.consumers = List.of(c); return this; }
    Scenario noExpectedSources() { this.expected = ExpectedSources.NONE; return this; }
    Scenario noSecretDestination() { this.secretDestination = null; return this; }
    Scenario tags(Map<String, String> t) { this.tags = t; return this; }

    String identityKey() {
        return IdentityEvent.identityKey(platform, null, identityRef.id());
    }

    Finding finding() {
        return new Finding(findingId, detector, time, identityKey(), platform, null, identityRef, credential, confidence,
                detector + " on " + identityRef.id(), List.of("e-" + findingId), List.of("T1550.001"), attributes);
    }

    IdentityRecord identity() {
        return new IdentityRecord(identityKey(), platform, null, identityRef, owner, criticality, Lifecycle.ACTIVE, maturity,
                new ArrayList<>(consumers), expected, List.of(), false, List.of(), tags, secretDestination,
                "catalog:ci-deployer", Map.of());
    }

    /** An event with or without an attributed workload. */
    IdentityEvent event(boolean withWorkload) {
        return IdentityEvent.builder("e-" + findingId, time, platform, identityRef)
                .credential(credential)
                .source(new Source("203.0.113.7", 64500L, "Example AS", null, "aws-cli/2.15", false))
                .workload(withWorkload ? new Workload("i-0abc", "ec2", "runner") : null)
                .build();
    }
}
