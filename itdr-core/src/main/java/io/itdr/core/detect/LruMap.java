package io.itdr.core.detect;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A map that never holds more than {@code capacity} entries: adding one more drops the eldest
 * (least recently accessed with {@code accessOrder}, else least recently inserted). Not
 * thread-safe; it lives inside detector state.
 */
final class LruMap<K, V> extends LinkedHashMap<K, V> {
    private static final long serialVersionUID = 1L;
    private final int capacity;
    private final transient Consumer<K> dropped;

    LruMap(int capacity, boolean accessOrder) {
        this(capacity, accessOrder, k -> { });
    }

    /** @param dropped told of each key dropped to keep the capacity */
    LruMap(int capacity, boolean accessOrder, Consumer<K> dropped) {
        // a small first table (allocated at the first put) that doubles as it fills: most identities' maps hold one
        // or two entries, and a table sized for the cap would cost every tracked identity 144 bytes per map
        super(2, 0.75f, accessOrder);
        this.capacity = capacity;
        this.dropped = dropped;
    }

    int capacity() {
        return capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        if (size() > capacity) {
            dropped.accept(eldest.getKey());
            return true;
        }
        return false;
    }
}
