package io.itdr.core.detect;

import java.util.Collection;
import java.util.List;

/**
 * An {@link LruSet} of texts that is its element itself while it holds one: a field of detector
 * state holds null (empty), a {@code String} (one element) or an {@link LruSet} (more). Most
 * identities act from one client, one network and one country, so their baselines then cost no
 * object at all instead of a set and its array. Same recency rules as {@link LruSet}; once grown
 * to a set it stays one. Elements are never null.
 */
final class SmallSet {
    private SmallSet() {
    }

    /** Whether {@code set} holds {@code e}; when it does, {@code e} becomes the most recently used. */
    static boolean touch(Object set, String e) {
        if (set instanceof String one) {
            return one.equals(e);
        }
        return set != null && ((LruSet<?>) set).touch(e);
    }

    /**
     * {@code set} with {@code e} added as the most recently used (the least recently used dropped
     * beyond {@code capacity}): the value to keep in the field.
     */
    static Object add(Object set, String e, int capacity) {
        java.util.Objects.requireNonNull(e, "element");
        if (set == null) {
            return e;
        }
        if (set instanceof String one) {
            if (one.equals(e) || capacity == 1) {
                return one.equals(e) ? one : e;
            }
            LruSet<String> grown = LruSet.of(capacity);
            grown.add(one);
            grown.add(e);
            return grown;
        }
        @SuppressWarnings("unchecked") // only SmallSet puts sets of texts in these fields
        LruSet<String> many = (LruSet<String>) set;
        many.add(e);
        return many;
    }

    /** The elements, least recently used first; iterating does not change the order. */
    static Collection<String> elements(Object set) {
        if (set == null) {
            return List.of();
        }
        if (set instanceof String one) {
            return List.of(one);
        }
        @SuppressWarnings("unchecked") // only SmallSet puts sets of texts in these fields
        LruSet<String> many = (LruSet<String>) set;
        return many;
    }

    static int size(Object set) {
        return elements(set).size();
    }
}
