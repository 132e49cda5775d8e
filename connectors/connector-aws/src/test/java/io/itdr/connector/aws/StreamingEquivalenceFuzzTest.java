package io.itdr.connector.aws;

import io.itdr.connector.aws.normalize.StreamingEquivalence;
import io.itdr.connector.tck.NormalizerFuzz;
import io.itdr.connector.tck.RawExport;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The fuzzed payloads of {@link AwsNormalizerFuzzTest} (the sandbox's trail export, mutated), each read
 * by the streaming CloudTrail normalizer and by the tree-based one it replaced: the same events,
 * rejections and refusals ({@link StreamingEquivalence}).
 */
class StreamingEquivalenceFuzzTest {
    private static final RawExport SEED = seed();

    private static RawExport seed() {
        try (AwsSandbox sandbox = new AwsSandbox()) {
            sandbox.seedTelemetry(6, Set.of(2));
            return sandbox.exportTelemetry();
        }
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return NormalizerFuzz.payloadsFrom(SEED.body());
    }

    @Property
    void theStreamingNormalizerMakesWhatTheTreeMade(@ForAll("payloads") byte[] payload) {
        StreamingEquivalence.assertEquivalent(SEED.name(), payload);
    }
}
