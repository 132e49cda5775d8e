package io.itdr.core.detect;

/**
 * A 64-bit hash of an id that detector state only ever compares (a credential's or a token's):
 * kept instead of the id's text, which would cost an object and its bytes per remembered id.
 * Two ids sharing a hash would be taken for one (about one chance in 10^19 per pair). Stable
 * across versions and machines: snapshots keep it.
 */
public final class IdHash {
    private IdHash() {
    }

    /** FNV-1a over the id's chars, then a murmur3 finaliser. */
    public static long of(String id) {
        return of(0, id);
    }

    /**
     * As {@link #of(String)}, for an id within a namespace (the replay's input index): the salt is
     * mixed into FNV-1a's offset basis, so a salt of 0 gives {@link #of(String)}.
     */
    public static long of(long salt, String id) {
        long h = 0xcbf29ce484222325L ^ salt;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
