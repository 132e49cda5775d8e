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
 * The compact form of {@link LruMap} behaves as the access- or insertion-ordered {@link
 * LinkedHashMap} with a size cap that it replaces: same answers, same entries in the same order
 * after any sequence of operations.
 */
class LruMapTest {

    private static <K, V> Map<K, V> reference(int capacity, boolean accessOrder) {
        return new LinkedHashMap<>(16, 0.75f, accessOrder) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    @Property(tries = 500)
    void behavesAsACappedLinkedHashMap(@ForAll @IntRange(min = 1, max = 12) int capacity, @ForAll boolean accessOrder,
                                       @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 399) Integer> operations) {
        LruMap<String, Integer> map = new LruMap<>(capacity, accessOrder);
        Map<String, Integer> expected = reference(capacity, accessOrder);
        for (int op : operations) {
            String key = "k" + (op % 20);
            switch (op / 80) {
                case 0 -> assertThat(map.put(key, op)).isEqualTo(expected.put(key, op));
                case 1 -> assertThat(map.get(key)).isEqualTo(expected.get(key));
                case 2 -> assertThat(map.remove(key)).isEqualTo(expected.remove(key));
                case 3 -> assertThat(map.containsKey(key)).isEqualTo(expected.containsKey(key));
                default -> { // remove the entries with an odd value through the iterator
                    for (Iterator<Map.Entry<String, Integer>> it = map.entrySet().iterator(); it.hasNext(); ) {
                        if (it.next().getValue() % 2 == 1) {
                            it.remove();
                        }
                    }
                    expected.entrySet().removeIf(e -> e.getValue() % 2 == 1);
                }
            }
            assertThat(map.size()).isEqualTo(expected.size()).isLessThanOrEqualTo(capacity);
            assertThat(new ArrayList<>(map.entrySet())).isEqualTo(new ArrayList<>(expected.entrySet()));
        }
        assertThat(map).isEqualTo(expected);
    }

    @Property(tries = 20)
    void aLargeCapacityIsALinkedHashMapWithTheSameBehaviour(@ForAll @Size(max = 400) List<@IntRange(min = 0, max = 999) Integer> keys) {
        int capacity = LruMap.COMPACT_MAX + 1;
        LruMap<Integer, Integer> map = new LruMap<>(capacity, true);
        Map<Integer, Integer> expected = reference(capacity, true);
        for (int k : keys) {
            map.put(k, k);
            expected.put(k, k);
            map.get(keys.get(0));
            expected.get(keys.get(0));
        }
        assertThat(new ArrayList<>(map.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
    }
}
