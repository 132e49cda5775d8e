package io.itdr.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The ring and table answer as a bounded insertion-ordered map of the last ids does, whatever the hash. */
class RecentIdsTest {
    /** What the sort kept before: the last {@code capacity} (source, id) pairs in a LinkedHashMap. */
    private static Map<String, Boolean> reference(int capacity) {
        return new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    private static void sameAsReference(long seed, int capacity, int distinct, RecentIds.Hash hash) {
        Random random = new Random(seed);
        RecentIds ids = new RecentIds(capacity, hash);
        Map<String, Boolean> reference = reference(capacity);
        int duplicates = 0;
        for (int i = 0; i < 5_000; i++) {
            int source = random.nextInt(2);
            String id = "ev-" + random.nextInt(distinct);
            boolean fresh = reference.put(source + "\t" + id, Boolean.TRUE) == null;
            assertThat(ids.add(source, id)).as("event %d: %s of source %d", i, id, source).isEqualTo(fresh);
            duplicates += fresh ? 0 : 1;
            assertThat(ids.size()).isEqualTo(reference.size());
        }
        assertThat(duplicates).as("the sequence repeats ids").isPositive();
    }

    @Property(tries = 30)
    void answersAsTheBoundedMap(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int capacity,
                                @ForAll @IntRange(min = 1, max = 600) int distinct) {
        sameAsReference(seed, capacity, distinct, RecentIds.DEFAULT_HASH);
    }

    @Property(tries = 30)
    void collidingHashesNeverDropADistinctId(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int capacity,
                                             @ForAll @IntRange(min = 1, max = 600) int distinct) {
        // four hash values for every id: most distinct ids collide with a remembered one
        sameAsReference(seed, capacity, distinct, (source, id) -> id.hashCode() & 3);
    }

    @Test
    void everyIdCollidingStillCountsOnlyTrueDuplicates() {
        RecentIds ids = new RecentIds(3, (source, id) -> 42);
        assertThat(ids.add(0, "a")).isTrue();
        assertThat(ids.add(0, "b")).isTrue();
        assertThat(ids.add(1, "a")).as("the same id of another source").isTrue();
        assertThat(ids.add(0, "a")).isFalse();
        assertThat(ids.add(0, "c")).as("evicts a").isTrue();
        assertThat(ids.add(0, "a")).as("forgotten").isTrue();
        assertThat(ids.add(1, "a")).as("still among the last three").isFalse();
        assertThat(ids.add(0, "b")).as("evicted by the second a").isTrue();
        assertThat(ids.collisions()).isPositive();
    }

    @Test
    void theDefaultHashSeparatesSourcesAndIds() {
        assertThat(RecentIds.hash(0, "ev-1")).isNotEqualTo(RecentIds.hash(1, "ev-1")).isNotEqualTo(RecentIds.hash(0, "ev-2"));
    }
}
