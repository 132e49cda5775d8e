package io.itdr.core.detect;

import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A set that never holds more than its capacity: adding one more drops the least recently used
 * element. What an access-ordered {@link LruMap} of keys to {@code Boolean.TRUE} was, without the
 * values: {@link #add} and {@link #touch} refresh recency, {@link #contains} does not. Iteration
 * goes from the least to the most recently used. Not thread-safe; it lives inside detector state.
 *
 * <p>Most of these hold none to a few elements (the sources, actions and reports of one
 * identity), so a small one ({@link #of}: capacity up to {@value LruMap#COMPACT_MAX}) is an object
 * of three fields and one array of its elements, grown as it fills: 24 bytes empty and 4 to 8 per
 * element. A larger one keeps an access-ordered {@link LinkedHashMap}.
 */
abstract class LruSet<E> extends AbstractSet<E> {

    /** An empty set of at most {@code capacity} elements. */
    static <E> LruSet<E> of(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        return capacity <= LruMap.COMPACT_MAX ? new Compact<>(capacity) : new Large<>(capacity);
    }

    /** Adds {@code e} as the most recently used; true when it was not held (the eldest may then be dropped). */
    @Override
    public abstract boolean add(E e);

    /** Whether {@code e} is held; when it is, it becomes the most recently used. */
    abstract boolean touch(Object e);

    abstract int capacity();

    /** The compact form: elements in one array, least recently used first, found by a scan. */
    private static final class Compact<E> extends LruSet<E> {
        private final int capacity;
        /** Null until the first add. */
        private Object[] elements;
        private int size;

        Compact(int capacity) {
            this.capacity = capacity;
        }

        @Override
        int capacity() {
            return capacity;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean contains(Object e) {
            return indexOf(e) >= 0;
        }

        @Override
        boolean touch(Object e) {
            int i = indexOf(e);
            if (i < 0) {
                return false;
            }
            toNewest(i);
            return true;
        }

        @Override
        public boolean add(E e) {
            int i = indexOf(e);
            if (i >= 0) {
                toNewest(i);
                return false;
            }
            if (size == capacity) {
                removeAt(0); // the eldest makes room
            }
            if (elements == null) {
                elements = new Object[1];
            } else if (size == elements.length) {
                elements = Arrays.copyOf(elements, Math.min(capacity, Math.max(2, size * 2)));
            }
            elements[size++] = e;
            return true;
        }

        @Override
        public boolean remove(Object e) {
            int i = indexOf(e);
            if (i < 0) {
                return false;
            }
            removeAt(i);
            return true;
        }

        @Override
        public void clear() {
            elements = null;
            size = 0;
        }

        @Override
        public Iterator<E> iterator() {
            return new Iterator<>() {
                private int next;
                private int last = -1;

                @Override
                public boolean hasNext() {
                    return next < size;
                }

                @Override
                public E next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    last = next++;
                    @SuppressWarnings("unchecked") // elements are added as E
                    E e = (E) elements[last];
                    return e;
                }

                @Override
                public void remove() {
                    if (last < 0) {
                        throw new IllegalStateException();
                    }
                    removeAt(last);
                    next = last;
                    last = -1;
                }
            };
        }

        private int indexOf(Object e) {
            if (elements == null) {
                return -1;
            }
            int hash = Objects.hashCode(e);
            for (int i = 0; i < size; i++) {
                Object k = elements[i];
                if (k == e || k != null && k.hashCode() == hash && k.equals(e)) {
                    return i;
                }
            }
            return -1;
        }

        private void toNewest(int i) {
            int last = size - 1;
            if (i == last) {
                return;
            }
            Object e = elements[i];
            System.arraycopy(elements, i + 1, elements, i, last - i);
            elements[last] = e;
        }

        private void removeAt(int i) {
            int last = size - 1;
            System.arraycopy(elements, i + 1, elements, i, last - i);
            elements[last] = null;
            size--;
        }
    }

    /** The large form: an access-ordered {@link LinkedHashMap} capped at the capacity. */
    private static final class Large<E> extends LruSet<E> {
        private final int capacity;
        private final LinkedHashMap<E, Boolean> map;

        Large(int capacity) {
            this.capacity = capacity;
            this.map = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<E, Boolean> eldest) {
                    return size() > Large.this.capacity;
                }
            };
        }

        @Override
        int capacity() {
            return capacity;
        }

        @Override
        public int size() {
            return map.size();
        }

        @Override
        public boolean contains(Object e) {
            return map.containsKey(e);
        }

        @Override
        boolean touch(Object e) {
            return map.get(e) != null;
        }

        @Override
        public boolean add(E e) {
            return map.put(e, Boolean.TRUE) == null;
        }

        @Override
        public boolean remove(Object e) {
            return map.remove(e) != null;
        }

        @Override
        public void clear() {
            map.clear();
        }

        @Override
        public Iterator<E> iterator() {
            return map.keySet().iterator();
        }
    }
}
