package io.itdr.core.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.PolicyException;
import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.CatalogException;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.normalize.NormalizedEventNormalizer;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorKind;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.RawPayload;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generator fuzzing (jqwik; Jazzer's JUnit integration is not resolvable in this build) of what
 * reads operator and platform input in the core: the policy loader, the catalog loader and the
 * normalizer of normalized-event JSON lines. Inputs are the shipped default policy and realistic
 * records mutated (cut, spliced, bytes inserted), plus raw noise. Every input is either accepted or
 * refused with the loader's own exception and a reason; anything else (a NullPointerException, a
 * ClassCastException, a StackOverflowError) fails. Bounded for CI: a few hundred tries each.
 */
class LoaderFuzzTest {
    private static final String POLICY = resource(PolicyLoader.DEFAULT_POLICY_RESOURCE);
    private static final String CATALOG = """
            identities:
              - match: "arn:aws:iam::*:role/orders-*"
                platform: aws
                owner: team-orders
                criticality: tier2
                consumers: [orders-api]
                expected_sources:
                  asns: [16509]
                  cidrs: [10.0.0.0/8]
            """;
    private static final String EVENT = "{\"id\":\"e-1\",\"time\":\"2026-11-02T10:00:00Z\",\"platform\":\"aws\",\"identity\":{\"id\":\"svc\","
            + "\"kind\":\"user\"},\"category\":\"API_CALL\",\"action\":\"s3:GetObject\",\"outcome\":\"SUCCESS\","
            + "\"source\":{\"ip\":\"203.0.113.9\",\"asn\":64496}}";

    private static String resource(String name) {
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A mutation of {@code seed}: a cut, a splice of another part of it, or inserted noise, at generated places. */
    private static Arbitrary<String> mutated(String seed) {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, seed.length());
        Arbitrary<String> noise = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(12),
                Arbitraries.of("{", "}", "[", "]", ":", "- ", "\n", "\t", "'", "\"", "*", "&a", "*a", "!!binary", "\u0000", "\uFFFD",
                        "\u2028", "${x}", "size(", "matches('(')", "9".repeat(30), "\ud800"));
        Arbitrary<String> one = Combinators.combine(at, at, noise, Arbitraries.integers().between(0, 2)).as((a, b, n, op) -> {
            int from = Math.min(a, b);
            int to = Math.max(a, b);
            return switch (op) {
                case 0 -> seed.substring(0, from) + seed.substring(to);
                case 1 -> seed.substring(0, from) + seed.substring(from, to) + seed.substring(from);
                default -> seed.substring(0, from) + n + seed.substring(from);
            };
        });
        return Arbitraries.oneOf(one, Arbitraries.strings().ofMaxLength(200));
    }

    @Provide
    Arbitrary<String> policies() {
        return mutated(POLICY);
    }

    @Provide
    Arbitrary<String> catalogs() {
        return mutated(CATALOG);
    }

    @Provide
    Arbitrary<List<String>> eventLines() {
        return mutated(EVENT).list().ofMaxSize(5);
    }

    @Property(tries = 100)
    void everyPolicyIsLoadedOrRefusedWithAReason(@ForAll("policies") String yaml) {
        try {
            assertThat(PolicyLoader.parse(yaml, "fuzz.yaml").rules()).isNotNull();
        } catch (PolicyException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void everyCatalogIsLoadedOrRefusedWithAReason(@ForAll("catalogs") String yaml) {
        try {
            assertThat(IdentityCatalog.parse(yaml, "fuzz.yaml").size()).isNotNegative();
        } catch (CatalogException e) {
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 300)
    void everyLineIsAnEventOrARejectionWithItsLine(@ForAll("eventLines") List<String> lines) {
        byte[] payload = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        CollectingSink sink = new CollectingSink();
        try {
            new NormalizedEventNormalizer().normalize(new RawPayload("fuzz.jsonl", "application/x-ndjson", new ByteArrayInputStream(payload)), sink);
        } catch (ConnectorException e) {
            assertThat(e.code().kind()).isEqualTo(ErrorKind.MALFORMED);
            return;
        }
        int physicalLines = new String(payload, StandardCharsets.UTF_8).split("\n", -1).length;
        assertThat(sink.events().size() + sink.rejections().size()).as("at most one outcome per line").isLessThanOrEqualTo(physicalLines);
        sink.rejections().forEach(r -> assertThat(r.reason()).isNotBlank());
    }
}
