package io.itdr.core.replay;

import io.itdr.core.detect.IdHash;
import java.util.Objects;

/**
 * The event ids (of one source each) seen last, at most {@code capacity} of them: the oldest is
 * forgotten when a new one comes. Exact: a 64-bit hash finds the candidates, and a candidate is a
 * duplicate only when its source and full id are equal (the ids are kept in a ring), so a hash
 * collision costs one comparison and never drops a distinct event.
 *
 * <p>Held in primitive arrays made once: a ring of {@code capacity} ids, sources and hashes, and
 * an open-addressing table (linear probing, at most half full) of hashes and ring positions.
 * Nothing is allocated per id: a {@code LinkedHashMap} of the same ids made an entry and a key
 * per event and held about 100 bytes each besides the id.
 *
 * <p>Not thread-safe.
 */
final class RecentIds {
    /** 64-bit hash of a source and an id; replaceable so tests can force collisions. */
    interface Hash {
        long of(int source, String id);
    }

    static final Hash DEFAULT_HASH = RecentIds::hash;

    private final int capacity;
    private final Hash hashing;
    private final String[] ids;
    private final int[] sources;
    private final long[] hashes;
    /** The table: a hash ({@code 0} marks a free slot) and the ring position holding that id. */
    private final long[] tableHashes;
    private final int[] tablePositions;
    private final int mask;
    private int next;
    private int size;
    private long collisions;

    RecentIds(int capacity) {
        this(capacity, DEFAULT_HASH);
    }

    RecentIds(int capacity, Hash hashing) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.hashing = Objects.requireNonNull(hashing, "hashing");
        this.ids = new String[capacity];
        this.sources = new int[capacity];
        this.hashes = new long[capacity];
        int table = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) * 2; // a power of two ≥ 2 × capacity
        this.tableHashes = new long[table];
        this.tablePositions = new int[table];
        this.mask = table - 1;
    }

    /**
     * Remembers {@code id} of {@code source}; false when it is already among the last
     * {@code capacity} remembered (a duplicate: it is not remembered again).
     */
    boolean add(int source, String id) {
        long h = hashing.of(source, id);
        if (h == 0) {
            h = 1; // 0 marks a free slot
        }
        int i = slot(h);
        while (tableHashes[i] != 0) {
            if (tableHashes[i] == h) {
                int p = tablePositions[i];
                if (sources[p] == source && ids[p].equals(id)) {
                    return false;
                }
                collisions++;
            }
            i = (i + 1) & mask;
        }
        if (size == capacity) {
            remove(next);
            i = slot(h); // the removal may have moved entries: probe again for a free slot
            while (tableHashes[i] != 0) {
                i = (i + 1) & mask;
            }
        } else {
            size++;
        }
        ids[next] = id;
        sources[next] = source;
        hashes[next] = h;
        tableHashes[i] = h;
        tablePositions[i] = next;
        next = next + 1 == capacity ? 0 : next + 1;
        return true;
    }

    /** Ids remembered now. */
    int size() {
        return size;
    }

    /** Distinct ids whose hashes were equal to a remembered one's (each cost one comparison; none was dropped). */
    long collisions() {
        return collisions;
    }

    private int slot(long h) {
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** Forgets the id at ring position {@code p}; backward-shift deletion keeps every probe chain whole. */
    private void remove(int p) {
        int i = slot(hashes[p]);
        while (tablePositions[i] != p || tableHashes[i] == 0) {
            i = (i + 1) & mask;
        }
        ids[p] = null;
        int free = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (tableHashes[j] == 0) {
                break;
            }
            int home = slot(tableHashes[j]);
            // j's entry may move to free unless its home lies cyclically in (free, j]
            boolean stays = free <= j ? free < home && home <= j : free < home || home <= j;
            if (!stays) {
                tableHashes[free] = tableHashes[j];
                tablePositions[free] = tablePositions[j];
                free = j;
            }
        }
        tableHashes[free] = 0;
        tablePositions[free] = 0;
    }

    /** A 64-bit hash of the id's characters and the source ({@link IdHash}, the source as its salt). */
    static long hash(int source, String id) {
        return IdHash.of(source, id);
    }
}
