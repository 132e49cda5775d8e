package io.itdr.connector.azure;

import io.itdr.connector.tck.NormalizerFuzz;
import io.itdr.connector.tck.RawExport;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generator fuzzing of the Microsoft Entra normalizer (Graph directory audit and sign-in logs) from a realistic export of the
 * sandbox, one record of it malformed ({@link NormalizerFuzz}): every payload is read, each record an
 * event or a rejection with where and why, or refused as a whole with a reason; no exception escapes.
 * 200 tries in a build (connectors/pom.xml {@code itdr.fuzz.tries}); {@code -Ditdr.fuzz.tries=N} runs longer.
 */
class AzureNormalizerFuzzTest {
    private static final RawExport SEED = seed();
    private final EventNormalizer normalizer = new AzureConnectorFactory().exportNormalizer().orElseThrow();

    private static RawExport seed() {
        try (AzureSandbox sandbox = new AzureSandbox(TckCredentials.TOKEN)) {
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
