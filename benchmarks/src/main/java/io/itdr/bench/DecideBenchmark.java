package io.itdr.bench;

import io.itdr.core.decide.PolicyEngine;
import io.itdr.core.decide.RollbackPaths;
import io.itdr.core.decide.policy.Policy;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.Enricher;
import io.itdr.core.enrich.InventoryLookup;
import io.itdr.core.enrich.InventoryTagKeys;
import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.core.model.IdentityRecord;
import io.itdr.spi.event.IdentityEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Item 4: policy decisions per second, one finding at a time, for findings of all six detectors
 * on the estate's identities (enriched from its catalog) with their triggering events.
 *
 * <p>{@code rules}: 13 is the shipped default policy (10 before the Sigma rules' three); 50 and 200
 * are that policy with 37 or 187 rules put before its own, each a CEL condition that does not match (so every decision evaluates
 * them all: the worst case for a first-match policy). CEL is compiled once, when the policy loads.
 * {@code prior}: decisions made before the measurement (0 or 100,000): with cost flat in the
 * number of events, both give the same rate. The clock moves one second per decision, so budget
 * and escalation windows slide as in a replay.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
public class DecideBenchmark {
    private static final int FINDINGS = 20_000;

    @Param({"13", "50", "200"})
    public int rules;

    @Param({"0", "100000"})
    public int prior;

    private Finding[] findings;
    private IdentityRecord[] identities;
    private IdentityEvent[] triggers;
    private PolicyEngine engine;
    private SteppingClock clock;
    private int cursor;
    private long sequence;

    /** A clock that moves one second each time a decision is started. */
    static final class SteppingClock extends Clock {
        private Instant now;

        SteppingClock(Instant start) {
            now = start;
        }

        void step() {
            now = now.plusSeconds(1);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Inputs inputs = new Inputs(Path.of(System.getProperty("bench.input")));
        Enricher enricher = new Enricher(inputs.catalog(), InventoryLookup.none(), InventoryTagKeys.defaults());
        List<IdentityEvent> events = DetectBenchmark.load(inputs.prefix(inputs.events(), 400_000));
        findings = new Finding[FINDINGS];
        identities = new IdentityRecord[FINDINGS];
        triggers = new IdentityEvent[FINDINGS];
        Set<String> seen = new HashSet<>();
        int n = 0;
        for (IdentityEvent e : events) {
            if (n == FINDINGS) {
                break;
            }
            if (seen.add(e.identityKey())) {
                triggers[n] = e;
                identities[n] = enricher.enrich(e);
                n++;
            }
        }
        if (n < FINDINGS) {
            findings = java.util.Arrays.copyOf(findings, n);
            identities = java.util.Arrays.copyOf(identities, n);
            triggers = java.util.Arrays.copyOf(triggers, n);
        }
        for (int i = 0; i < findings.length; i++) {
            findings[i] = finding(i, triggers[i], identities[i]);
        }
        clock = new SteppingClock(events.get(0).time());
        engine = new PolicyEngine(policy(rules), clock, RollbackPaths.platformFacts());
        for (int i = 0; i < prior; i++) {
            decide();
        }
        System.out.printf("%n  decide: %d rules, %,d distinct findings cycled, %,d decisions before measuring%n",
                engine.policy().rules().size(), findings.length, prior);
    }

    @Benchmark
    public Decision decide() {
        int i = cursor;
        if (++cursor == findings.length) {
            cursor = 0;
        }
        clock.step();
        Finding template = findings[i];
        // a new finding id and time each time: the engine's history and budgets see a stream, not one finding again
        Finding f = new Finding(template.id() + "-" + (sequence++), template.detector(), clock.instant(), template.identityKey(),
                template.platform(), template.tenant(), template.identity(), template.credential(), template.confidence(),
                template.summary(), template.evidenceEventIds(), template.frameworkTags(), template.attributes());
        return engine.decide(f, identities[i], triggers[i]);
    }

    /** A finding of detector {@code i mod 6}, with the attributes that detector writes. */
    static Finding finding(int i, IdentityEvent e, IdentityRecord identity) {
        Map<String, String> attributes = new LinkedHashMap<>();
        String detector;
        double confidence;
        switch (i % 6) {
            case 0 -> {
                detector = "token_replay";
                confidence = 0.9;
                attributes.put("variant", "multi_source");
                attributes.put("first_network", "10.20.0.0/24");
                attributes.put("second_network", "203.0.113.0/24");
            }
            case 1 -> {
                detector = "impossible_travel";
                confidence = 0.8;
                attributes.put("distance_km", "15300");
                attributes.put("speed_kmh", "36720");
            }
            case 2 -> {
                detector = "new_source";
                confidence = 0.5;
                attributes.put("new_network", "true");
                attributes.put("new_country", "false");
            }
            case 3 -> {
                detector = "dormant_reactivated";
                confidence = 0.85;
                attributes.put("dormant_days", "120");
            }
            case 4 -> {
                detector = "privilege_change_then_use";
                confidence = 0.8;
                attributes.put("scopes", "arn:aws:iam::aws:policy/AdministratorAccess");
                attributes.put("administrative", "true");
            }
            default -> {
                detector = "platform_finding";
                confidence = 0.9;
                attributes.put("finding_type", "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS");
            }
        }
        return new Finding("f-" + i, detector, e.time(), identity.key(), e.platform(), e.tenant(), identity.identity(),
                e.credential(), confidence, detector + " on " + identity.key(), List.of(e.id()), List.of("OWASP-NHI2"), attributes);
    }

    /** The default policy, or it with {@code rules} minus its size non-matching rules put before its own. */
    static Policy policy(int rules) throws IOException {
        Policy shipped = PolicyLoader.loadDefault();
        int extra = rules - shipped.rules().size();
        if (extra <= 0) {
            return shipped;
        }
        String text;
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder generated = new StringBuilder("rules:\n");
        for (int r = 0; r < extra; r++) {
            generated.append("  - id: generated-").append(r).append('\n')
                    .append("    when: finding.detector == 'custom_").append(r).append("' && finding.confidence >= 0.")
                    .append(1 + r % 9).append(" && identity.tier <= ").append(r % 4).append('\n')
                    .append("    rung: ").append(r % 2 == 0 ? "notify" : "monitor").append('\n');
        }
        String withRules = text.replaceFirst("(?m)^rules:\n", java.util.regex.Matcher.quoteReplacement(generated.toString()));
        Policy policy = PolicyLoader.parse(withRules, "default-policy.yaml + " + extra + " generated rules");
        if (policy.rules().size() != rules) {
            throw new IllegalStateException("generated policy has " + policy.rules().size() + " rules, wanted " + rules);
        }
        return policy;
    }
}
