package io.itdr.generate;

import java.time.Instant;
import java.util.Objects;

/**
 * What {@link EstateGenerator} makes.
 *
 * @param seed       the same seed gives the same bytes
 * @param identities number of identities, at least {@link EstateGenerator#MIN_IDENTITIES}
 * @param days       days of telemetry, at least {@link EstateGenerator#MIN_DAYS}
 * @param start      when the first day begins; never null. Midnight UTC puts the estate's business hours
 *                   in the afternoon and evening UTC; another start (a demo whose telemetry ends now) shifts them
 */
public record GeneratorSettings(long seed, int identities, int days, Instant start) {
    public static final Instant DEFAULT_START = Instant.parse("2026-10-01T00:00:00Z");

    public GeneratorSettings {
        Objects.requireNonNull(start, "start");
        if (identities < EstateGenerator.MIN_IDENTITIES) {
            throw new IllegalArgumentException("identities must be at least " + EstateGenerator.MIN_IDENTITIES + ", got " + identities);
        }
        if (days < EstateGenerator.MIN_DAYS) {
            throw new IllegalArgumentException("days must be at least " + EstateGenerator.MIN_DAYS + ", got " + days);
        }
    }

    public static GeneratorSettings defaults() {
        return new GeneratorSettings(7, 300, 14, DEFAULT_START);
    }
}
