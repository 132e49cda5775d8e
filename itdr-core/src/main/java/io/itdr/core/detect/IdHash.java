package io.itdr.core.detect;

/**
 * A 64-bit hash of an id that detector state only ever compares (a credential's or a token's):
 * kept instead of the id's text, which would cost an object and its bytes per remembered id.
 * Two ids sharing a hash would be taken for one (about one chance in 10^19 per pair). Stable
 * across versions and machines: snapshots keep it.
 */
final class IdHash {
    private IdHash() {
    }

    /** FNV-1a over the id's chars, then a murmur3 finaliser. */
    static long of(String id) {
        long h = 0xcbf29ce484222325L;
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
