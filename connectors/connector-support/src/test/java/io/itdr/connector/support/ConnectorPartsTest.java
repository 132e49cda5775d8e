package io.itdr.connector.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.Capability;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectorPartsTest {
    private static final TelemetrySource TELEMETRY = (cursor, maxEvents) -> new TelemetryBatch(List.of(), List.of(), cursor, false);
    private static final EventNormalizer NORMALIZER = (payload, sink) -> { };
    private static final ActionExecutor EXECUTOR = new SnapshotActionExecutor(RungDispatch.<PlannedAction>builder("demo")
            .rung(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, new SnapshotActionExecutorTest.AppSwitch()).build());

    @Test
    void theCapabilitiesDeclaredAreExactlyThePartsGiven() {
        ConnectorParts parts = ConnectorParts.builder("demo").telemetry(TELEMETRY).actions(EXECUTOR).build();
        assertThat(parts.capabilities()).containsExactlyInAnyOrder(Capability.TELEMETRY_POLL, Capability.ACTIONS);
        assertThat(parts.telemetry()).isSameAs(TELEMETRY);
        assertThat(parts.actions()).isSameAs(EXECUTOR);
        assertThatThrownBy(() -> parts.capabilities().add(Capability.INVENTORY)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(ConnectorParts.builder("bare").build().capabilities()).isEmpty();
    }

    @Test
    void aPartNotGivenIsRefusedWithTheStandardErrorAsTheSpiWordsIt() {
        ConnectorParts parts = ConnectorParts.builder("demo").normalizer(NORMALIZER).build();
        List<String> messages = new ArrayList<>();
        for (Runnable call : List.<Runnable>of(parts::telemetry, parts::inventory, parts::actions)) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.NOT_SUPPORTED);
                messages.add(e.getMessage());
            });
        }
        assertThat(messages).containsExactly("Connector 'demo' does not support telemetry polling",
                "Connector 'demo' does not support inventory", "Connector 'demo' does not support actions");
        assertThat(parts.normalizer()).isSameAs(NORMALIZER);
        assertThatThrownBy(() -> ConnectorParts.builder("demo").telemetry(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aPartGivenTwiceIsRefused() {
        assertThatThrownBy(() -> ConnectorParts.builder("demo").actions(EXECUTOR).actionsOnFirstUse(() -> EXECUTOR))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ACTIONS given twice");
    }

    @Test
    void aPartMadeOnFirstUseIsMadeOnceAndNotBeforeItIsAskedFor() throws Exception {
        AtomicInteger made = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ConnectorParts parts = ConnectorParts.builder("demo").actionsOnFirstUse(() -> {
            made.incrementAndGet();
            return EXECUTOR;
        }).build();
        assertThat(parts.capabilities()).containsExactly(Capability.ACTIONS);
        assertThat(made).as("declaring the capability makes nothing").hasValue(0);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<ActionExecutor>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(threads.submit(() -> {
                    start.await();
                    return parts.actions();
                }));
            }
            start.countDown();
            for (Future<ActionExecutor> answer : answers) {
                assertThat(answer.get(10, TimeUnit.SECONDS)).isSameAs(EXECUTOR);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(made).hasValue(1);
    }

    @Test
    void aSupplierThatFailsIsAskedAgainOnTheNextUse() {
        AtomicInteger calls = new AtomicInteger();
        ConnectorParts parts = ConnectorParts.builder("demo").actionsOnFirstUse(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new ConnectorException(ErrorCode.UNAVAILABLE, "token endpoint down");
            }
            return EXECUTOR;
        }).build();
        assertThatThrownBy(parts::actions).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        assertThat(parts.actions()).isSameAs(EXECUTOR);
        assertThat(parts.actions().rungs()).isEqualTo(Map.of(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE));
        assertThat(calls).hasValue(2);
    }
}
