package io.itdr.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Platforms deliver twice and connectors re-send after a crash (fault rows "duplicates and order"):
 * whatever the duplicates and however the deliveries are cut into batches, the engine ends in the
 * same state as for each event delivered once: the same stored events, the same findings and
 * decisions in the ledger, the same actions in the same states, and the platform changed once.
 * Within one batch, the order the events came in does not matter either; across batches it does not
 * matter as long as no event arrives more than the live intake's reorder window behind the newest
 * event seen before it ({@link ReorderWindow}, as the server's ingest workers use it).
 */
class RedeliveryPropertyTest {
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    record Delivery(List<IdentityEvent> events, List<Integer> repeats, List<Integer> cuts) {
    }

    @Provide
    Arbitrary<Delivery> deliveries() {
        Arbitrary<List<IdentityEvent>> events = Arbitraries.integers().between(0, 3).list().ofMinSize(1).ofMaxSize(8).map(kinds -> {
            List<IdentityEvent> list = new ArrayList<>();
            for (int i = 0; i < kinds.size(); i++) {
                list.add(event(i, kinds.get(i)));
            }
            return list;
        });
        return Combinators.combine(events, Arbitraries.integers().between(0, 7).list().ofMaxSize(6),
                Arbitraries.integers().between(1, 12).list().ofMaxSize(4)).as(Delivery::new);
    }

    /** Kind 0: the workload's own call; 1: a call from another network; 2: a platform finding; 3: a call from a third network. */
    private static IdentityEvent event(int i, int kind) {
        Instant at = T0.plusSeconds(60L * i);
        if (kind == 2) {
            return EngineFixture.platformFinding("gd-" + i, at);
        }
        long asn = kind == 0 ? 16509L : kind == 1 ? 14061L : 64496L;
        return IdentityEvent.builder("ev-" + i, at, "memory", IdentityRef.of("svc-orders"))
                .credential(new CredentialRef("AKIAORDERS", "access_key"))
                .category(EventCategory.API_CALL).action("orders:Read")
                .source(new Source("203.0.113." + (kind + 1), asn, "AS" + asn, null, "sdk/" + kind, false))
                .workload(new Workload("orders-api", "k8s", "orders-api"))
                .build();
    }

    @Property(tries = 40)
    void duplicatesAndBatchingGiveTheSameFinalState(@ForAll("deliveries") Delivery delivery) {
        Outcome once = run(List.of(delivery.events()));

        List<IdentityEvent> stream = new ArrayList<>(delivery.events());
        for (int r : delivery.repeats()) {
            // a duplicate arrives after its original (a redelivery), anywhere later in the stream
            int original = r % delivery.events().size();
            int at = Math.min(stream.size(), original + 1 + r);
            stream.add(at, delivery.events().get(original));
        }
        List<List<IdentityEvent>> batches = new ArrayList<>();
        int from = 0;
        for (int cut : delivery.cuts()) {
            int to = Math.min(stream.size(), from + cut);
            batches.add(stream.subList(from, to));
            from = to;
        }
        batches.add(stream.subList(from, stream.size()));
        Outcome redelivered = run(batches);

        assertThat(redelivered).isEqualTo(once);
    }

    @Property(tries = 40)
    void anyOrderWithinABatchGivesTheSameFinalState(@ForAll("deliveries") Delivery delivery, @ForAll long seed) {
        List<IdentityEvent> shuffled = new ArrayList<>(delivery.events());
        java.util.Collections.shuffle(shuffled, new java.util.Random(seed));
        assertThat(run(List.of(shuffled))).isEqualTo(run(List.of(delivery.events())));
    }

    /** Arrival disorder: each event is delayed by up to the window (its jitter), then the stream is cut into batches. */
    record Disorder(Delivery delivery, int windowSteps, List<Integer> jitters) {
    }

    @Provide
    Arbitrary<Disorder> disorders() {
        return Combinators.combine(deliveries(), Arbitraries.integers().between(0, 4),
                Arbitraries.integers().between(0, 10_000).list().ofSize(8)).as(Disorder::new);
    }

    @Property(tries = 40)
    void anyArrivalOrderWithinTheReorderWindowGivesTheSameFinalState(@ForAll("disorders") Disorder disorder) {
        Delivery delivery = disorder.delivery();
        List<IdentityEvent> events = delivery.events();
        long window = 45L * disorder.windowSteps(); // seconds; events are 60 s apart
        // arrival order: each event arrives as if it were up to (not quite) the window later than its time
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            order.add(i);
        }
        long[] arrival = new long[events.size()];
        for (int i = 0; i < events.size(); i++) {
            long jitter = window == 0 ? 0 : disorder.jitters().get(i) % window;
            arrival[i] = events.get(i).time().getEpochSecond() + jitter;
        }
        order.sort(java.util.Comparator.<Integer>comparingLong(i -> arrival[i]).thenComparing(i -> i));
        List<IdentityEvent> stream = new ArrayList<>();
        order.forEach(i -> stream.add(events.get(i)));
        for (int r : delivery.repeats()) {
            // a redelivery: somewhere after the first copy
            int original = stream.indexOf(events.get(r % events.size()));
            stream.add(Math.min(stream.size(), original + 1 + r), events.get(r % events.size()));
        }
        List<List<IdentityEvent>> batches = new ArrayList<>();
        int from = 0;
        for (int cut : delivery.cuts()) {
            int to = Math.min(stream.size(), from + cut);
            batches.add(stream.subList(from, to));
            from = to;
        }
        batches.add(stream.subList(from, stream.size()));

        EngineFixture fixture = new EngineFixture();
        Intake intake = fixture.intake(fixture.harness.executor, Confirmers.NONE);
        ReorderWindow<IdentityEvent> reorder = new ReorderWindow<>(Duration.ofSeconds(window), Duration.ofHours(1));
        Set<String> seen = new java.util.HashSet<>();
        int lateFirstCopies = 0;
        for (List<IdentityEvent> batch : batches) {
            // as the server's worker does with one read of its backlog: late events at once, then what the window released
            List<IdentityEvent> ready = new ArrayList<>();
            for (IdentityEvent event : batch) {
                boolean first = seen.add(event.id());
                if (reorder.offer(event, event, T0) == ReorderWindow.Offer.LATE) {
                    ready.add(event);
                    lateFirstCopies += first ? 1 : 0;
                }
            }
            ready.addAll(reorder.release(T0));
            intake.accept("memory", ready);
        }
        intake.accept("memory", reorder.release(T0.plus(Duration.ofHours(1)))); // the connector went quiet: the hold bound passes

        assertThat(lateFirstCopies).as("within the window no event is late").isZero();
        assertThat(reorder.held()).isZero();
        assertThat(outcome(fixture)).isEqualTo(run(List.of(events)));
    }

    record Outcome(Set<String> stored, List<String> ledger, Set<String> actions, int platformChanges) {
    }

    private static Outcome run(List<List<IdentityEvent>> batches) {
        EngineFixture fixture = new EngineFixture();
        Intake intake = fixture.intake(fixture.harness.executor, Confirmers.NONE);
        for (List<IdentityEvent> batch : batches) {
            intake.accept("memory", batch);
        }
        return outcome(fixture);
    }

    private static Outcome outcome(EngineFixture fixture) {
        List<String> ledger = fixture.harness.entries().stream().map(LedgerEntry::kind).filter(k -> !k.isEmpty())
                .map(k -> k).collect(Collectors.toList());
        Set<String> actions = new TreeSet<>();
        for (ActionRecord a : fixture.harness.store.inStates(EnumSet.allOf(ActionState.class))) {
            actions.add(a.id() + "=" + a.state().label());
        }
        return new Outcome(new TreeSet<>(fixture.events.stored.keySet()), ledger, actions, fixture.harness.executor.mutatingCalls());
    }
}
