package io.itdr.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.model.PolicyRef;
import io.itdr.core.model.Stage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LedgerEntryTest {
    private static final Instant T = Instant.parse("2025-03-04T05:06:07.123456789Z");

    @Test
    void hashFollowsTheDocumentedEncodingByteForByte() throws Exception {
        LedgerDraft draft = new LedgerDraft(null, Stage.CONTAINMENT, "action.planned", "policy:p@1#r",
                "aws:123:user/ci", Map.of("b", "2", "a", "1"), "planned");

        LedgerEntry entry = LedgerEntry.chain(null, draft, T);

        // Rebuilt here from the Javadoc alone, as another implementation would.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("itdr.ledger.v1".getBytes(StandardCharsets.US_ASCII));
        out.write(0);
        out.write(new byte[32]);
        out.writeLong(1);
        out.writeLong(T.getEpochSecond());
        out.writeInt(123_456_000); // truncated to microseconds
        out.write(0); // incidentId null
        text(out, "containment");
        text(out, "action.planned");
        text(out, "policy:p@1#r");
        text(out, "aws:123:user/ci");
        out.writeInt(2);
        text(out, "a");
        text(out, "1");
        text(out, "b");
        text(out, "2");
        text(out, "planned");
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));

        assertThat(entry.hash()).isEqualTo(expected);
        assertThat(entry.prevHash()).isEqualTo(LedgerEntry.GENESIS_HASH);
        assertThat(entry.time()).isEqualTo(Instant.parse("2025-03-04T05:06:07.123456Z"));
    }

    @Test
    void fieldsAreLengthPrefixedSoShiftingCharactersBetweenFieldsChangesTheHash() {
        LedgerEntry ab = LedgerEntry.chain(null, new LedgerDraft(null, Stage.DETECTION, "ab", "c", null, Map.of(), ""), T);
        LedgerEntry a = LedgerEntry.chain(null, new LedgerDraft(null, Stage.DETECTION, "a", "bc", null, Map.of(), ""), T);

        assertThat(ab.hash()).isNotEqualTo(a.hash());
    }

    @Test
    void nullAndEmptyOptionalFieldsHashDifferently() {
        LedgerEntry none = LedgerEntry.chain(null, new LedgerDraft(null, Stage.DETECTION, "k", "system", null, Map.of(), ""), T);
        LedgerEntry empty = LedgerEntry.chain(null, new LedgerDraft("", Stage.DETECTION, "k", "system", null, Map.of(), ""), T);

        assertThat(none.hash()).isNotEqualTo(empty.hash());
    }

    @Test
    void chainsToThePreviousEntry() {
        LedgerEntry first = LedgerEntry.chain(null, draft("one"), T);
        LedgerEntry second = LedgerEntry.chain(first, draft("two"), T.plusSeconds(1));

        assertThat(second.seq()).isEqualTo(2);
        assertThat(second.prevHash()).isEqualTo(first.hash());
        assertThat(second.computeHash()).isEqualTo(second.hash());
    }

    @Test
    void evidenceIsSortedAndUnmodifiable() {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("z", "1");
        evidence.put("a", "2");

        LedgerEntry entry = LedgerEntry.chain(null, new LedgerDraft(null, Stage.DETECTION, "k", "system", null, evidence, ""), T);

        assertThat(entry.evidence().keySet()).containsExactly("a", "z");
        assertThatThrownBy(() -> entry.evidence().put("b", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesMalformedValuesNamingTheField() {
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("rule", null);
        assertThatThrownBy(() -> new LedgerDraft(null, Stage.DETECTION, "k", "system", null, nullValue, ""))
                .hasMessageContaining("evidence value of 'rule'");
        assertThatThrownBy(() -> new LedgerDraft(null, Stage.DETECTION, " ", "system", null, Map.of(), ""))
                .hasMessageContaining("kind");
        LedgerEntry ok = LedgerEntry.chain(null, draft("x"), T);
        assertThatThrownBy(() -> new LedgerEntry(0, T, null, Stage.DETECTION, "k", "system", null, Map.of(), "", ok.prevHash(), ok.hash()))
                .hasMessageContaining("seq");
        assertThatThrownBy(() -> new LedgerEntry(1, T, null, Stage.DETECTION, "k", "system", null, Map.of(), "", ok.prevHash(), "ABC"))
                .hasMessageContaining("hash");
    }

    @Test
    void actorsAreNamedAsTheDesignSays() {
        assertThat(Actors.policy(new PolicyRef("baseline", "3", "ab"), "r1")).isEqualTo("policy:baseline@3#r1");
        assertThat(Actors.policy(new PolicyRef("baseline", "3", "ab"), null)).isEqualTo("policy:baseline@3");
        assertThat(Actors.user("alice")).isEqualTo("user:alice");
    }

    static LedgerDraft draft(String kind) {
        return new LedgerDraft(null, Stage.DETECTION, kind, Actors.SYSTEM, "id-1", Map.of("finding.id", "f-" + kind), "ok");
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.write(1);
        out.writeInt(utf8.length);
        out.write(utf8);
    }
}
