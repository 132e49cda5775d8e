package io.itdr.connector.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorKind;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.EventNormalizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.statistics.Statistics;

/**
 * Generator fuzzing (jqwik) of a connector's {@link EventNormalizer}, from a realistic payload the
 * connector's sandbox exports: each try is the seed mutated one to three times (a range cut, a
 * range repeated, a JSON or control token inserted or put in place of a range, the end cut off),
 * sometimes gzip-compressed whole or with its end cut off, or plain noise. Every payload must be
 * either read (its records events, or rejections that say where and why) or refused as a whole
 * with a {@code MALFORMED} {@link ConnectorException} and a message; any other exception or error
 * escaping the normalizer fails the try. Coverage-guided fuzzing (Jazzer) is not resolvable in this
 * build; this is its generator-based stand-in.
 *
 * <p>A connector's test calls it from a jqwik {@code @Property} without a tries count, so that the build sets it
 * ({@code jqwik.tries.default}: 200 in connectors/pom.xml, {@code -Ditdr.fuzz.tries=N} for a longer run). The outcome of
 * every try is collected in jqwik's statistics (printed with the property's report).
 */
public final class NormalizerFuzz {
    private static final List<String> TOKENS = List.of("{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "-", "1e999",
            "-0", "18446744073709551616", "\"\"", "[]", "{}", "\n", "\r\n", "\t", "\u0000", "\u2028", "\uFFFD", "\ud800", "\u001b[31m",
            "\"eventTime\":", "\"published\":", "\"timestamp\":", "\"@timestamp\":", "\"created_at\":", "\"Records\":", "\"actor\":",
            "9".repeat(40), "x".repeat(300));

    private NormalizerFuzz() {
    }

    /** Payloads made from {@code seed} (see the class comment). */
    public static Arbitrary<byte[]> payloadsFrom(byte[] seed) {
        byte[] base = Objects.requireNonNull(seed, "seed").clone();
        Arbitrary<byte[]> mutated = mutation(base).list().ofMinSize(1).ofMaxSize(3).map(steps -> {
            byte[] b = base;
            for (Mutation step : steps) {
                b = step.apply(b);
            }
            return b;
        });
        Arbitrary<byte[]> framed = Combinators.combine(mutated, Arbitraries.integers().between(0, 9),
                Arbitraries.doubles().between(0, 1)).as((bytes, frame, cut) -> switch (frame) {
                    case 0 -> gzip(bytes);
                    case 1 -> truncate(gzip(bytes), cut);
                    default -> bytes;
                });
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, framed), net.jqwik.api.Tuple.of(1, noise));
    }

    /**
     * Hands {@code payload} to {@code normalizer} as {@code name} ({@code mediaType}) and checks that it
     * was read, each record an event or an explained rejection, or refused as a whole with a reason.
     */
    public static void assertReadOrRefused(EventNormalizer normalizer, String name, String mediaType, byte[] payload) {
        CollectingSink sink = new CollectingSink();
        try {
            normalizer.normalize(new RawExport(name, mediaType, payload).toPayload(), sink);
        } catch (ConnectorException e) {
            assertThat(e.code().kind()).as("kind of the error refusing a payload as a whole (%s)", e.getMessage())
                    .isEqualTo(ErrorKind.MALFORMED);
            assertThat(e.getMessage()).as("message of the error refusing a payload").isNotBlank();
            Statistics.label("payload").collect("refused as a whole");
            return;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError("the normalizer let " + e + " escape on a " + payload.length + "-byte payload: " + preview(payload), e);
        }
        assertThat(sink.rejections()).as("rejections name where the record was and what was wrong")
                .allMatch(r -> r.location() != null && !r.location().isBlank() && r.reason() != null && !r.reason().isBlank());
        Statistics.label("payload").collect(sink.rejections().isEmpty() ? "read, no rejection" : "read, with rejections");
    }

    private static String preview(byte[] payload) {
        String text = new String(payload, 0, Math.min(payload.length, 400), StandardCharsets.UTF_8);
        return text.replaceAll("\\p{Cntrl}", "?");
    }

    /** One change of a byte array. */
    @FunctionalInterface
    private interface Mutation {
        byte[] apply(byte[] in);
    }

    private static Arbitrary<Mutation> mutation(byte[] seed) {
        Arbitrary<Double> at = Arbitraries.doubles().between(0, 1);
        Arbitrary<byte[]> token = Arbitraries.of(TOKENS).map(t -> t.getBytes(StandardCharsets.UTF_8));
        return Combinators.combine(Arbitraries.integers().between(0, 4), at, at, token).as((op, x, y, t) -> in -> {
            int a = (int) (Math.min(x, y) * in.length);
            int b = (int) (Math.max(x, y) * in.length);
            return switch (op) {
                case 0 -> concat(Arrays.copyOfRange(in, 0, a), Arrays.copyOfRange(in, b, in.length));
                case 1 -> concat(Arrays.copyOfRange(in, 0, b), Arrays.copyOfRange(in, a, in.length));
                case 2 -> concat(Arrays.copyOfRange(in, 0, a), concat(t, Arrays.copyOfRange(in, a, in.length)));
                case 3 -> concat(Arrays.copyOfRange(in, 0, a), concat(t, Arrays.copyOfRange(in, Math.min(in.length, a + t.length), in.length)));
                default -> Arrays.copyOfRange(in, 0, a);
            };
        });
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] truncate(byte[] in, double keep) {
        return Arrays.copyOf(in, (int) (in.length * keep));
    }

    private static byte[] gzip(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
