package io.itdr.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link LruSet} behaves as the access-ordered {@link LinkedHashMap} of keys to {@code Boolean.TRUE}
 * with a size cap that it replaces: same answers, same elements in the same order after any
 * sequence of operations, in the compact and the large form.
 */
class LruSetTest {

    private static Map<String, Boolean> reference(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    @Property(tries = 500)
    void behavesAsACappedAccessOrderedMapOfKeys(@ForAll @IntRange(min = 1, max = 12) int capacity,
                                                @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 399) Integer> operations) {
        check(LruSet.of(capacity), reference(capacity), capacity, operations);
    }

    @Property(tries = 20)
    void aLargeCapacityBehavesTheSame(@ForAll @Size(max = 400) List<@IntRange(min = 0, max = 399) Integer> operations) {
        int capacity = LruMap.COMPACT_MAX + 1;
        check(LruSet.of(capacity), reference(capacity), capacity, operations);
    }

    @Property(tries = 300)
    void aSmallSetBehavesAsAnLruSet(@ForAll @IntRange(min = 1, max = 6) int capacity,
                                    @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 15) Integer> operations) {
        Object small = null;
        LruSet<String> expected = LruSet.of(capacity);
        for (int op : operations) {
            String key = "k" + (op % 8);
            if (op < 8) {
                assertThat(SmallSet.touch(small, key)).isEqualTo(expected.touch(key));
            } else {
                small = SmallSet.add(small, key, capacity);
                expected.add(key);
            }
            assertThat(new ArrayList<>(SmallSet.elements(small))).isEqualTo(new ArrayList<>(expected));
            assertThat(SmallSet.size(small)).isEqualTo(expected.size());
        }
    }

    private static void check(LruSet<String> set, Map<String, Boolean> expected, int capacity, List<Integer> operations) {
        for (int op : operations) {
            String key = "k" + (op % 20 + (capacity > LruMap.COMPACT_MAX ? op : 0));
            switch (op / 80) {
                case 0 -> assertThat(set.add(key)).isEqualTo(expected.put(key, Boolean.TRUE) == null);
                case 1 -> assertThat(set.touch(key)).isEqualTo(expected.get(key) != null);
                case 2 -> assertThat(set.remove(key)).isEqualTo(expected.remove(key) != null);
                case 3 -> assertThat(set.contains(key)).isEqualTo(expected.containsKey(key));
                default -> { // remove the elements with an odd number through the iterator
                    for (Iterator<String> it = set.iterator(); it.hasNext(); ) {
                        if (Integer.parseInt(it.next().substring(1)) % 2 == 1) {
                            it.remove();
                        }
                    }
                    expected.keySet().removeIf(k -> Integer.parseInt(k.substring(1)) % 2 == 1);
                }
            }
            assertThat(set.size()).isEqualTo(expected.size()).isLessThanOrEqualTo(capacity);
            assertThat(new ArrayList<>(set)).isEqualTo(new ArrayList<>(expected.keySet()));
        }
    }
}
