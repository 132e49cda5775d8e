package io.itdr.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import io.itdr.core.model.Mode;
import io.itdr.core.model.PolicyRef;
import io.itdr.spi.action.Rung;
import io.itdr.spi.event.IdentityRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationTest {
    private static final PolicyRef POLICY = new PolicyRef("p", "1", "00".repeat(32));

    private static Finding finding(String detector, String... events) {
        return new Finding(detector + String.join("", events), detector, Instant.EPOCH, "aws/-/u", "aws", null, IdentityRef.of("u"), null,
                0.9, "s", List.of(events), List.of(), Map.of());
    }

    private static Decision decision(Finding f, Rung intended, Rung now, boolean hold) {
        return new Decision("d-" + f.id(), Instant.EPOCH, f.id(), f.identityKey(), "r", intended, now, hold, Mode.SHADOW, List.of(), List.of(),
                List.of("because"), List.of(), List.of(), POLICY);
    }

    @Test
    void scoresFindingsAgainstLabels(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("labels.jsonl"), """
                {"event_id":"m1","label":"malicious","family":"token_replay"}
                {"event_id":"m2","label":"malicious","family":"outside_workload"}
                {"event_id":"m3","label":"malicious","family":"impossible_travel"}
                {"event_id":"b1","label":"benign"}
                """);
        Labels labels = Labels.load(file);
        Evaluation e = new Evaluation(labels);
        Finding replay = finding("token_replay", "b1", "m1");
        Finding outside = finding("token_replay", "m2");
        Finding noise = finding("new_source", "b1");
        for (Finding f : List.of(replay, outside, noise)) {
            e.onFinding(f);
        }
        e.onDecision(decision(replay, Rung.QUARANTINE_SESSION, Rung.QUARANTINE_SESSION, false), replay);
        e.onDecision(decision(noise, Rung.DISABLE_CREDENTIAL, Rung.MONITOR, true), noise);
        e.onDecision(decision(noise, Rung.NOTIFY, Rung.NOTIFY, false), noise);

        Map<String, Object> report = e.toReport();
        assertThat(report.get("token_replay")).isEqualTo(Map.of("tp", 2L, "fp", 0L, "fn", 0L, "precision", 1.0, "recall", 1.0));
        assertThat(section(report, "impossible_travel")).containsEntry("tp", 0L).containsEntry("fn", 1L).containsEntry("recall", 0.0)
                .containsEntry("precision", null);
        assertThat(section(report, "new_source")).containsEntry("fp", 1L);
        assertThat(section(report, "overall")).containsEntry("tp", 2L).containsEntry("fp", 1L).containsEntry("fn", 1L)
                .containsEntry("recall", 0.6667);
        assertThat(report.get("disruptive_on_benign")).isEqualTo(1L);
        assertThat(labels.benignLabelled()).isEqualTo(1);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> report, String key) {
        return (Map<String, Object>) report.get(key);
    }

    @Test
    void aBadLabelsFileIsRefusedWithFileAndLine(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("labels.jsonl"), "{\"event_id\":\"a\",\"label\":\"benign\"}\n{\"event_id\":\"b\",\"label\":\"evil\"}\n");
        assertThatThrownBy(() -> Labels.load(file)).isInstanceOf(Labels.InvalidLabelsException.class)
                .hasMessage(file + ":2: label: expected malicious or benign, got 'evil'");
        Path missing = Files.writeString(dir.resolve("l2.jsonl"), "{\"label\":\"benign\"}\n");
        assertThatThrownBy(() -> Labels.load(missing)).hasMessageContaining(":1: event_id: required text field is missing");
    }
}
