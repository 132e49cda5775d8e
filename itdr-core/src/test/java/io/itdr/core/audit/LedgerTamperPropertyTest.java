package io.itdr.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.model.Stage;
import io.itdr.fixture.clock.SettableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Any single modified, removed or moved entry breaks verification at its position. */
class LedgerTamperPropertyTest {

    enum Tampering { MODIFY, REMOVE, SWAP }

    enum Field { SEQ, TIME, INCIDENT, STAGE, KIND, ACTOR, IDENTITY, EVIDENCE, RESULT, PREV_HASH, HASH }

    @Property(tries = 200)
    void verifyFindsAnySingleTampering(@ForAll("ledgers") List<LedgerEntry> original, @ForAll Tampering tampering,
                                       @ForAll Field field, @ForAll @IntRange(max = 10_000) int a,
                                       @ForAll @IntRange(max = 10_000) int b) throws IOException {
        int n = original.size();
        List<LedgerEntry> tampered = new ArrayList<>(original);
        int position = a % n; // 0-based index of the tampered entry
        switch (tampering) {
            case MODIFY -> tampered.set(position, modify(original.get(position), field));
            case REMOVE -> tampered.remove(position);
            case SWAP -> {
                position = a % (n - 1);
                int other = position + 1 + b % (n - 1 - position);
                Collections.swap(tampered, position, other);
            }
        }
        // The head checkpoint is what makes removing the last entry detectable.
        LedgerHead head = LedgerHead.of(original.get(n - 1));

        LedgerVerification inMemory = LedgerVerifier.verify(tampered, head);
        LedgerVerification inFile = LedgerVerifier.verifyFile(write(tampered), head);

        assertThat(LedgerVerifier.verify(original, head).intact()).isTrue();
        for (LedgerVerification result : List.of(inMemory, inFile)) {
            assertThat(result.intact()).isFalse();
            assertThat(result.firstBrokenSeq()).isEqualTo(position + 1L);
            assertThat(result.entriesChecked()).isEqualTo(position);
        }
    }

    @Provide
    Arbitrary<List<LedgerEntry>> ledgers() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0000', '\u2030').ofMaxLength(12);
        Arbitrary<String> word = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8);
        Arbitrary<LedgerDraft> draft = Combinators.combine(
                text.injectNull(0.3), Arbitraries.of(Stage.class), word, word, text.injectNull(0.3),
                Arbitraries.maps(word, text).ofMaxSize(3), text)
                .as((incident, stage, kind, actor, identity, evidence, result) ->
                        new LedgerDraft(incident, stage, kind, actor, identity, evidence, result));
        return draft.list().ofMinSize(2).ofMaxSize(25).map(drafts -> {
            SettableClock clock = SettableClock.start();
            InMemoryLedger ledger = new InMemoryLedger(clock);
            for (LedgerDraft d : drafts) {
                ledger.append(d);
                clock.advance(Duration.ofMillis(7));
            }
            return ledger.read(1, drafts.size());
        });
    }

    private static LedgerEntry modify(LedgerEntry e, Field field) {
        long seq = e.seq();
        var time = e.time();
        String incident = e.incidentId();
        Stage stage = e.stage();
        String kind = e.kind();
        String actor = e.actor();
        String identity = e.identityKey();
        Map<String, String> evidence = new TreeMap<>(e.evidence());
        String result = e.result();
        String prevHash = e.prevHash();
        String hash = e.hash();
        switch (field) {
            case SEQ -> seq += 1000;
            case TIME -> time = time.plusNanos(1000);
            case INCIDENT -> incident = incident == null ? "" : incident + "x";
            case STAGE -> stage = Stage.values()[(stage.ordinal() + 1) % Stage.values().length];
            case KIND -> kind = kind + "x";
            case ACTOR -> actor = actor + "x";
            case IDENTITY -> identity = identity == null ? "" : null;
            case EVIDENCE -> {
                if (evidence.isEmpty()) {
                    evidence.put("added", "x");
                } else {
                    evidence.replaceAll((k, v) -> v + "x");
                }
            }
            case RESULT -> result = result + "x";
            case PREV_HASH -> prevHash = flipFirstHexDigit(prevHash);
            case HASH -> hash = flipFirstHexDigit(hash);
        }
        return new LedgerEntry(seq, time, incident, stage, kind, actor, identity, evidence, result, prevHash, hash);
    }

    private static String flipFirstHexDigit(String hex) {
        return (hex.charAt(0) == '0' ? "1" : "0") + hex.substring(1);
    }

    private static Path write(List<LedgerEntry> entries) throws IOException {
        Path file = Files.createTempFile("ledger-tamper", ".jsonl");
        file.toFile().deleteOnExit();
        try (OutputStream out = Files.newOutputStream(file)) {
            for (LedgerEntry entry : entries) {
                out.write(JsonlLedgerFormat.toLine(entry));
            }
        }
        return file;
    }
}
