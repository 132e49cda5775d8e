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

    private Interner() {
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
}
