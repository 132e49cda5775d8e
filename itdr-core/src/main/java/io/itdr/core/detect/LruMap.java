package io.itdr.core.detect;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A map that never holds more than {@code capacity} entries: adding one more drops the eldest
 * (least recently accessed with {@code accessOrder}, else least recently inserted). Iteration goes
 * from the eldest to the newest. Not thread-safe; it lives inside detector state.
 *
 * <p>Every tracked identity holds about ten of these, most with none to a few entries, so a small
 * one ({@code capacity} up to {@value #COMPACT_MAX}) keeps its keys and values in one array,
 * eldest first, found by a scan (hash first, then equals) and grown as it fills: about 40 bytes
 * empty and 8 per entry, where a {@link LinkedHashMap} costs 64 empty, 40 per entry and its table.
 * A larger one (the engine's map of identities) is a {@link LinkedHashMap}. {@code get} and
 * {@code put} refresh recency exactly as an access-ordered {@link LinkedHashMap} does;
 * {@code containsKey} does not.
 */
final class LruMap<K, V> extends AbstractMap<K, V> {
    /** The largest capacity kept in the compact form; a scan of more entries costs more than hashing. */
    static final int COMPACT_MAX = 256;

    private final int capacity;
    private final boolean accessOrder;
    /** Told of each key dropped to keep the capacity (not of removals). */
    private final Consumer<K> dropped;
    /** The large form; null in the compact form. */
    private final LinkedHashMap<K, V> large;
    /** The compact form: key, value, key, value, ..., eldest first; null until the first put. */
    private Object[] entries;
    private int size;
    private int modifications;

    LruMap(int capacity, boolean accessOrder) {
        this(capacity, accessOrder, k -> { });
    }

    /** @param dropped told of each key dropped to keep the capacity */
    LruMap(int capacity, boolean accessOrder, Consumer<K> dropped) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.accessOrder = accessOrder;
        this.dropped = Objects.requireNonNull(dropped, "dropped");
        this.large = capacity <= COMPACT_MAX ? null : new LinkedHashMap<>(16, 0.75f, accessOrder) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                if (size() > LruMap.this.capacity) {
                    LruMap.this.dropped.accept(eldest.getKey());
                    return true;
                }
                return false;
            }
        };
    }

    int capacity() {
        return capacity;
    }

    @Override
    public int size() {
        return large != null ? large.size() : size;
    }

    @Override
    public boolean containsKey(Object key) {
        return large != null ? large.containsKey(key) : indexOf(key) >= 0;
    }

    @Override
    public V get(Object key) {
        if (large != null) {
            return large.get(key);
        }
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        @SuppressWarnings("unchecked") // values are put as V
        V value = (V) entries[i + 1];
        if (accessOrder) {
            toNewest(i);
        }
        return value;
    }

    @Override
    public V put(K key, V value) {
        if (large != null) {
            return large.put(key, value);
        }
        int i = indexOf(key);
        if (i >= 0) {
            @SuppressWarnings("unchecked") // values are put as V
            V old = (V) entries[i + 1];
            entries[i + 1] = value;
            if (accessOrder) {
                toNewest(i);
            }
            return old;
        }
        if (size == capacity) {
            @SuppressWarnings("unchecked") // keys are put as K
            K eldest = (K) entries[0];
            removeAt(0); // the eldest makes room, as removeEldestEntry would after the insert
            dropped.accept(eldest);
        }
        int slots = 2 * size;
        if (entries == null) {
            entries = new Object[2];
        } else if (slots == entries.length) {
            entries = Arrays.copyOf(entries, 2 * Math.min(capacity, Math.max(2, size * 2)));
        }
        entries[slots] = key;
        entries[slots + 1] = value;
        size++;
        modifications++;
        return null;
    }

    @Override
    public V remove(Object key) {
        if (large != null) {
            return large.remove(key);
        }
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        @SuppressWarnings("unchecked") // values are put as V
        V old = (V) entries[i + 1];
        removeAt(i);
        return old;
    }

    @Override
    public void clear() {
        if (large != null) {
            large.clear();
            return;
        }
        entries = null;
        size = 0;
        modifications++;
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        return large != null ? large.entrySet() : new CompactEntries();
    }

    /** A view made per call: {@link AbstractMap} would keep it in a field of every map, for good. */
    @Override
    public Set<K> keySet() {
        if (large != null) {
            return large.keySet();
        }
        return new AbstractSet<>() {
            @Override
            public Iterator<K> iterator() {
                Iterator<Map.Entry<K, V>> entries = entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return entries.hasNext();
                    }

                    @Override
                    public K next() {
                        return entries.next().getKey();
                    }

                    @Override
                    public void remove() {
                        entries.remove();
                    }
                };
            }

            @Override
            public int size() {
                return LruMap.this.size();
            }

            @Override
            public boolean contains(Object k) {
                return containsKey(k);
            }
        };
    }

    /** A view made per call, as {@link #keySet()}. */
    @Override
    public java.util.Collection<V> values() {
        if (large != null) {
            return large.values();
        }
        return new java.util.AbstractCollection<>() {
            @Override
            public Iterator<V> iterator() {
                Iterator<Map.Entry<K, V>> entries = entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return entries.hasNext();
                    }

                    @Override
                    public V next() {
                        return entries.next().getValue();
                    }

                    @Override
                    public void remove() {
                        entries.remove();
                    }
                };
            }

            @Override
            public int size() {
                return LruMap.this.size();
            }
        };
    }

    /** The index of {@code key}'s slot pair in {@link #entries}, or -1. */
    private int indexOf(Object key) {
        if (entries == null) {
            return -1;
        }
        int hash = Objects.hashCode(key);
        for (int i = 0, end = 2 * size; i < end; i += 2) {
            Object k = entries[i];
            if (k == key || k != null && k.hashCode() == hash && k.equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** Moves the pair at {@code i} to the newest end. */
    private void toNewest(int i) {
        int last = 2 * size - 2;
        if (i == last) {
            return;
        }
        Object k = entries[i];
        Object v = entries[i + 1];
        System.arraycopy(entries, i + 2, entries, i, last - i);
        entries[last] = k;
        entries[last + 1] = v;
        modifications++;
    }

    private void removeAt(int i) {
        int end = 2 * size;
        System.arraycopy(entries, i + 2, entries, i, end - i - 2);
        entries[end - 2] = null;
        entries[end - 1] = null;
        size--;
        modifications++;
    }

    /** The compact form's entries, eldest first; removal through the iterator is supported. */
    private final class CompactEntries extends AbstractSet<Map.Entry<K, V>> {
        @Override
        public int size() {
            return size;
        }

        @Override
        public Iterator<Map.Entry<K, V>> iterator() {
            return new Iterator<>() {
                private int next;
                private int last = -1;
                private int expected = modifications;

                @Override
                public boolean hasNext() {
                    return next < 2 * size;
                }

                @Override
                public Map.Entry<K, V> next() {
                    if (expected != modifications) {
                        throw new ConcurrentModificationException();
                    }
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    last = next;
                    next += 2;
                    int at = last;
                    @SuppressWarnings("unchecked") // keys and values are put as K and V
                    Map.Entry<K, V> entry = new AbstractMap.SimpleEntry<>((K) entries[at], (V) entries[at + 1]) {
                        @Override
                        public V setValue(V value) {
                            entries[at + 1] = value;
                            return super.setValue(value);
                        }
                    };
                    return entry;
                }

                @Override
                public void remove() {
                    if (last < 0) {
                        throw new IllegalStateException();
                    }
                    if (expected != modifications) {
                        throw new ConcurrentModificationException();
                    }
                    removeAt(last);
                    next = last;
                    last = -1;
                    expected = modifications;
                }
            };
        }
    }
}
