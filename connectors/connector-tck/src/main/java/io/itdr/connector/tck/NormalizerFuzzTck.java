package io.itdr.connector.tck;

import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.telemetry.EventNormalizer;
import java.util.Objects;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The generator fuzzing of a connector's export normalizer ({@link NormalizerFuzz}), written once: a
 * connector's fuzz test extends it and names its factory and a new sandbox. The kit seeds the
 * sandbox with six records, the third malformed, takes its export as the seed, closes the sandbox,
 * and checks that every payload made from the seed is read (each record an event or a rejection
 * with where and why) or refused as a whole with a reason, no exception escaping.
 *
 * <p>Tries: {@code jqwik.tries.default}, 200 in a build (connectors/pom.xml {@code itdr.fuzz.tries});
 * {@code -Ditdr.fuzz.tries=N} runs longer. jqwik makes one instance per property, so the seed is
 * exported once per run. Not thread-safe.
 */
public abstract class NormalizerFuzzTck {
    private RawExport seed;
    private EventNormalizer normalizer;

    /** The connector's factory; its {@link ConnectorFactory#exportNormalizer()} is fuzzed. */
    protected abstract ConnectorFactory factory();

    /** A new sandbox over the connector's simulation; closed by the kit once the seed is exported (when it is {@link AutoCloseable}). */
    protected abstract Sandbox newSandbox();

    @Provide
    protected Arbitrary<byte[]> payloads() {
        return NormalizerFuzz.payloadsFrom(seed().body());
    }

    @Property
    public void everyPayloadIsReadOrRefusedWithAReason(@ForAll("payloads") byte[] payload) {
        if (normalizer == null) {
            normalizer = factory().exportNormalizer()
                    .orElseThrow(() -> new AssertionError(factory().id() + " has no export normalizer to fuzz"));
        }
        NormalizerFuzz.assertReadOrRefused(normalizer, seed().name(), seed().mediaType(), payload);
    }

    private RawExport seed() {
        if (seed == null) {
            Sandbox sandbox = Objects.requireNonNull(newSandbox(), "newSandbox()");
            try {
                sandbox.seedTelemetry(6, Set.of(2));
                seed = sandbox.exportTelemetry();
            } finally {
                if (sandbox instanceof AutoCloseable closeable) {
                    try {
                        closeable.close();
                    } catch (Exception e) {
                        throw new IllegalStateException("closing the sandbox " + sandbox, e);
                    }
                }
            }
        }
        return seed;
    }
}
