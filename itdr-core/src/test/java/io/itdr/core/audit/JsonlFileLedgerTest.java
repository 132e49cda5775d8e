package io.itdr.core.audit;

import static io.itdr.core.audit.LedgerEntryTest.draft;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.model.Stage;
import io.itdr.fixture.clock.SettableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlFileLedgerTest {
    @TempDir
    Path dir;

    private final SettableClock clock = SettableClock.start();

    @Test
    void appendsOneLinePerEntryAndReadsThemBack() throws IOException {
        Path file = dir.resolve("ledger.jsonl");
        List<LedgerEntry> written = new ArrayList<>();
        try (JsonlFileLedger ledger = JsonlFileLedger.open(file, clock)) {
            for (int i = 0; i < 4; i++) {
                written.add(ledger.append(draft("k" + i)));
                clock.advance(Duration.ofMillis(1));
            }
            assertThat(ledger.read(1, 10)).isEqualTo(written);
            assertThat(ledger.read(2, 2)).isEqualTo(written.subList(1, 3));
            assertThat(ledger.read(5, 2)).isEmpty();
        }
        assertThat(Files.readAllLines(file)).hasSize(4);
        assertThat(LedgerVerifier.verifyFile(file)).isEqualTo(LedgerVerification.intact(4));
    }

    @Test
    void reopeningResumesTheChain() throws IOException {
        Path file = dir.resolve("ledger.jsonl");
        LedgerEntry before;
        try (JsonlFileLedger ledger = JsonlFileLedger.open(file, clock)) {
            ledger.append(draft("a"));
            before = ledger.append(draft("b"));
        }
        try (JsonlFileLedger reopened = JsonlFileLedger.open(file, clock)) {
            assertThat(reopened.size()).isEqualTo(2);
            assertThat(reopened.last()).contains(before);
            LedgerEntry next = reopened.append(draft("c"));
            assertThat(next.seq()).isEqualTo(3);
            assertThat(next.prevHash()).isEqualTo(before.hash());
        }
        assertThat(LedgerVerifier.verifyFile(file)).isEqualTo(LedgerVerification.intact(3));
    }

    @Test
    void controlCharactersCannotForgeALine() throws IOException {
        Path file = dir.resolve("ledger.jsonl");
        String hostile = "ok\n{\"seq\":2,\"kind\":\"forged\"}\r\nx\u0000\u2028\u001b[31m";
        LedgerDraft draft = new LedgerDraft(hostile, Stage.DETECTION, "kind\nx", "user:e\rve", hostile,
                Map.of("key\nwith\nbreaks", hostile), hostile);
        LedgerEntry written;
        try (JsonlFileLedger ledger = JsonlFileLedger.open(file, clock)) {
            written = ledger.append(draft);
            ledger.append(draft("after"));
        }

        String content = Files.readString(file, StandardCharsets.UTF_8);
        assertThat(content.chars().filter(c -> c == '\n').count()).isEqualTo(2);
        assertThat(content.indexOf('\r')).isEqualTo(-1);
        try (JsonlFileLedger reopened = JsonlFileLedger.open(file, clock)) {
            assertThat(reopened.read(1, 1)).containsExactly(written);
        }
    }

    @Test
    void refusesToOpenAModifiedFileNamingEntryAndLine() throws IOException {
        Path file = threeEntries();
        List<String> lines = Files.readAllLines(file);
        lines.set(1, lines.get(1).replace("\"result\":\"ok\"", "\"result\":\"OK\""));
        Files.write(file, lines);

        assertThatThrownBy(() -> JsonlFileLedger.open(file, clock))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("broken at entry 2")
                .hasMessageContaining("line 2");
        LedgerVerification result = LedgerVerifier.verifyFile(file);
        assertThat(result.firstBrokenSeq()).isEqualTo(2);
        assertThat(result.entriesChecked()).isEqualTo(1);
    }

    @Test
    void reportsAGarbledLine() throws IOException {
        Path file = threeEntries();
        List<String> lines = Files.readAllLines(file);
        lines.set(2, lines.get(2).substring(0, 40));
        Files.write(file, lines);

        LedgerVerification result = LedgerVerifier.verifyFile(file);

        assertThat(result.firstBrokenSeq()).isEqualTo(3);
        assertThat(result.reason()).startsWith("line 3: unreadable entry");
    }

    @Test
    void reportsAnUnknownOrMistypedField() throws IOException {
        Path file = threeEntries();
        List<String> lines = Files.readAllLines(file);
        lines.set(0, lines.get(0).replace("\"seq\":1", "\"seq\":\"1\""));
        Files.write(file, lines);

        assertThat(LedgerVerifier.verifyFile(file).reason()).contains("line 1").contains("field 'seq'");
    }

    @Test
    void reportsATornLastLine() throws IOException {
        Path file = threeEntries();
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));

        LedgerVerification result = LedgerVerifier.verifyFile(file);

        assertThat(result.intact()).isFalse();
        assertThat(result.firstBrokenSeq()).isEqualTo(3);
        assertThat(result.reason()).contains("line 3").contains("no line terminator");
        assertThatThrownBy(() -> JsonlFileLedger.open(file, clock)).hasMessageContaining("broken at entry 3");
    }

    @Test
    void reportsRemovedAndReorderedLines() throws IOException {
        Path file = threeEntries();
        List<String> lines = Files.readAllLines(file);

        Files.write(file, List.of(lines.get(0), lines.get(2)));
        assertThat(LedgerVerifier.verifyFile(file).firstBrokenSeq()).isEqualTo(2);

        Files.write(file, List.of(lines.get(1), lines.get(0), lines.get(2)));
        assertThat(LedgerVerifier.verifyFile(file).firstBrokenSeq()).isEqualTo(1);

        Files.write(file, List.of(lines.get(0), lines.get(1)));
        LedgerVerification truncated = LedgerVerifier.verifyFile(file, new LedgerHead(3, lastHash(lines)));
        assertThat(truncated.firstBrokenSeq()).isEqualTo(3);
    }

    @Test
    void oneFileHasOneWriter() throws IOException {
        Path file = dir.resolve("ledger.jsonl");
        try (JsonlFileLedger ledger = JsonlFileLedger.open(file, clock)) {
            assertThatThrownBy(() -> JsonlFileLedger.open(file, clock)).hasMessageContaining("already open");
            ledger.append(draft("a"));
        }
    }

    @Test
    void closedLedgerRefusesAppends() throws IOException {
        JsonlFileLedger ledger = JsonlFileLedger.open(dir.resolve("ledger.jsonl"), clock);
        ledger.close();

        assertThatThrownBy(() -> ledger.append(draft("a"))).isInstanceOf(LedgerException.class).hasMessageContaining("closed");
    }

    @Test
    void verifyingAMissingFileIsAnError() {
        assertThatThrownBy(() -> LedgerVerifier.verifyFile(dir.resolve("absent.jsonl")))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("absent.jsonl");
    }

    private Path threeEntries() throws IOException {
        Path file = dir.resolve("ledger.jsonl");
        try (JsonlFileLedger ledger = JsonlFileLedger.open(file, clock)) {
            for (int i = 0; i < 3; i++) {
                ledger.append(draft("k" + i));
            }
        }
        return file;
    }

    private static String lastHash(List<String> lines) {
        return JsonlLedgerFormat.parse(lines.get(lines.size() - 1)).hash();
    }
}
