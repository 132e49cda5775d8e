package io.itdr.connector.okta;

import io.itdr.connector.tck.NormalizerFuzz;
import io.itdr.connector.tck.RawExport;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generator fuzzing of the Okta normalizer (System Log events) from a realistic export of the
 * sandbox, one record of it malformed ({@link NormalizerFuzz}): every payload is read, each record an
 * event or a rejection with where and why, or refused as a whole with a reason; no exception escapes.
 * 200 tries in a build (connectors/pom.xml {@code itdr.fuzz.tries}); {@code -Ditdr.fuzz.tries=N} runs longer.
 */
class OktaNormalizerFuzzTest {
    private static final RawExport SEED = seed();
    private final EventNormalizer normalizer = new OktaConnectorFactory().exportNormalizer().orElseThrow();

    private static RawExport seed() {
        try (OktaSandbox sandbox = new OktaSandbox("SSWS fuzz-token")) {
            sandbox.seedTelemetry(6, Set.of(2));
            return sandbox.exportTelemetry();
        }
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return NormalizerFuzz.payloadsFrom(SEED.body());
    }

    @Property
    void everyPayloadIsReadOrRefusedWithAReason(@ForAll("payloads") byte[] payload) {
        NormalizerFuzz.assertReadOrRefused(normalizer, SEED.name(), SEED.mediaType(), payload);
    }
}
