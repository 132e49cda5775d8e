package io.itdr.core.detect;

/**
 * Shares one instance of each frequent text (clients, networks, countries, actions) among all
 * identities' detector state: every event brings freshly parsed strings, and without this each
 * identity's baseline would keep its own copy of "cloud:aws" or "s3:GetObject". A direct-mapped
 * table of fixed size: a text whose slot holds an equal one gets that one back; otherwise it takes
 * the slot. Memory is fixed, not per identity; a rare text only costs a slot.
 *
 * <p>Thread-safe: slots hold immutable strings; a lost race only costs sharing.
 */
final class Interner {
    /** Slots; a power of two. */
    static final int SLOTS = 1 << 15;
    /** Texts longer than this are not shared (rare, and not worth a slot). */
    static final int MAX_LENGTH = 256;

    private static final String[] TABLE = new String[SLOTS];
    /** Slots for places; a power of two. */
    static final int GEO_SLOTS = 1 << 12;
    private static final io.itdr.spi.event.Geo[] GEOS = new io.itdr.spi.event.Geo[GEO_SLOTS];

    /** Slots for compiled expected sources; a power of two. */
    static final int EXPECTATION_SLOTS = 1 << 12;
    private static final io.itdr.core.enrich.SourceExpectation[] EXPECTATIONS = new io.itdr.core.enrich.SourceExpectation[EXPECTATION_SLOTS];

    private Interner() {
    }

    /**
     * {@code sources} compiled, one shared instance for equal sources: catalog entries that match
     * many identities (a pattern) hand each of them the same expected sources, and each identity
     * compiled its own copy (CIDR blocks, arrays) before. Compiled forms are immutable.
     */
    static io.itdr.core.enrich.SourceExpectation expectation(io.itdr.core.model.ExpectedSources sources) {
        if (!sources.isStated()) {
            return io.itdr.core.enrich.SourceExpectation.NONE;
        }
        int h = sources.hashCode();
        int slot = (h ^ (h >>> 12)) & (EXPECTATION_SLOTS - 1);
        io.itdr.core.enrich.SourceExpectation held = EXPECTATIONS[slot];
        if (held != null && (held.sources() == sources || held.sources().equals(sources))) {
            return held;
        }
        io.itdr.core.enrich.SourceExpectation compiled = io.itdr.core.enrich.SourceExpectation.of(sources);
        EXPECTATIONS[slot] = compiled;
        return compiled;
    }

    /** The shared instance equal to {@code text}; null for null. */
    static String intern(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return text;
        }
        int h = text.hashCode();
        int slot = (h ^ (h >>> 15)) & (SLOTS - 1);
        String held = TABLE[slot];
        if (held != null && held.equals(text)) {
            return held;
        }
        TABLE[slot] = text;
        return text;
    }

    /**
     * The shared instance equal to {@code geo} (its texts shared too); null for null. Places repeat
     * across identities (a cloud region's city and coordinates), so a remembered location costs a
     * reference instead of a {@code Geo}, two {@code Double}s and three strings.
     */
    static io.itdr.spi.event.Geo intern(io.itdr.spi.event.Geo geo) {
        if (geo == null) {
            return null;
        }
        int h = geo.hashCode();
        int slot = (h ^ (h >>> 12)) & (GEO_SLOTS - 1);
        io.itdr.spi.event.Geo held = GEOS[slot];
        if (held != null && held.equals(geo)) {
            return held;
        }
        io.itdr.spi.event.Geo shared = new io.itdr.spi.event.Geo(intern(geo.country()), intern(geo.region()), intern(geo.city()),
                geo.lat(), geo.lon());
        GEOS[slot] = shared;
        return shared;
    }
}
