package io.itdr.core.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemoryActionStoreTest {
    private final InMemoryActionStore store = new InMemoryActionStore();
    private final ActionRecord planned = ActionStateTest.planned();

    @Test
    void insertsOnce() {
        store.insert(planned);

        assertThat(store.find(planned.id())).contains(planned);
        assertThatThrownBy(() -> store.insert(planned)).hasMessageContaining("already exists");
    }

    @Test
    void updatesOnlyFromTheStoredVersion() {
        store.insert(planned);
        ActionRecord executing = planned.executing(Instant.parse("2025-01-01T00:01:00Z"));
        store.update(executing);

        ActionRecord staleHeld = planned.held(Instant.parse("2025-01-01T02:00:00Z"), Instant.parse("2025-01-01T00:02:00Z"));

        assertThatThrownBy(() -> store.update(staleHeld))
                .isInstanceOf(StaleActionException.class)
                .hasMessageContaining("version 2 (executing)");
        assertThat(store.find(planned.id())).contains(executing);
    }

    @Test
    void findsByStateOldestFirst() {
        ActionRecord newer = ActionRecord.planned("z-newer", "d", "f", "k", "memory", planned.plan(), "key2", "system",
                planned.createdAt().plusSeconds(1));
        ActionRecord older = ActionRecord.planned("a-older", "d", "f", "k", "memory", planned.plan(), "key3", "system",
                planned.createdAt().minusSeconds(1));
        store.insert(newer);
        store.insert(planned);
        store.insert(older);

        assertThat(store.inStates(Set.of(ActionState.PLANNED))).extracting(ActionRecord::id)
                .containsExactly("a-older", planned.id(), "z-newer");
        assertThat(store.inStates(Set.of(ActionState.HELD))).isEmpty();
    }
}
