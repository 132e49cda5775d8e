package io.itdr.core.audit;

import io.itdr.core.model.Stage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One entry of the audit ledger (DESIGN §6), chained to the one before it. Immutable.
 *
 * <h2>Hash</h2>
 * {@code hash} is the lowercase hex SHA-256 of this {@link HashInput} encoding, in this order:
 * <pre>
 *   domain "itdr.ledger.v1"               ("itdr.ledger.v1" then one 0x00 byte)
 *   hash(prevHash)                        (32 raw bytes)
 *   int64(seq)
 *   int64(time epoch seconds) int32(time nanosecond of second)
 *   text(incidentId) text(stage as lower-case policy name) text(kind) text(actor) text(identityKey)
 *   textMap(evidence)
 *   text(result)
 * </pre>
 * The first entry (seq 1) chains to {@link #GENESIS_HASH}, 64 '0' characters. Times are kept to
 * the microsecond ({@link #chain} truncates) so that they survive a SQL timestamp column unchanged.
 *
 * @param seq         position in the ledger, from 1, without gaps
 * @param time        when it was appended; never null
 * @param incidentId  may be null
 * @param stage       never null
 * @param kind        never null or blank
 * @param actor       never null or blank
 * @param identityKey may be null
 * @param evidence    kept sorted by key, unmodifiable; never null, no null keys or values
 * @param result      never null
 * @param prevHash    the previous entry's hash, or the genesis hash; never null
 * @param hash        this entry's hash as stored (a tampered entry may hold a wrong one, which
 *                    {@link LedgerVerifier} detects); never null, 64 lowercase hex characters
 */
public record LedgerEntry(long seq, Instant time, String incidentId, Stage stage, String kind, String actor,
                          String identityKey, Map<String, String> evidence, String result,
                          String prevHash, String hash) {

    /** What the first entry chains to. */
    public static final String GENESIS_HASH = "0".repeat(64);

    /** The hash domain, versioned so that a future encoding can never be confused with this one. */
    public static final String HASH_DOMAIN = "itdr.ledger.v1";

    public LedgerEntry {
        if (seq < 1) {
            throw new IllegalArgumentException("seq starts at 1: " + seq);
        }
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(stage, "stage");
        requireText(kind, "kind");
        requireText(actor, "actor");
        evidence = sortedEvidence(evidence);
        Objects.requireNonNull(result, "result");
        requireHash(prevHash, "prevHash");
        requireHash(hash, "hash");
    }

    /**
     * The entry that follows {@code previous} (null for the first entry) for {@code draft},
     * appended at {@code time} (truncated to microseconds), with its hash computed.
     */
    public static LedgerEntry chain(LedgerEntry previous, LedgerDraft draft, Instant time) {
        Objects.requireNonNull(draft, "draft");
        long seq = previous == null ? 1 : previous.seq() + 1;
        String prevHash = previous == null ? GENESIS_HASH : previous.hash();
        Instant micros = time.truncatedTo(ChronoUnit.MICROS);
        String hash = computeHash(seq, micros, draft.incidentId(), draft.stage(), draft.kind(), draft.actor(),
                draft.identityKey(), draft.evidence(), draft.result(), prevHash);
        return new LedgerEntry(seq, micros, draft.incidentId(), draft.stage(), draft.kind(), draft.actor(),
                draft.identityKey(), draft.evidence(), draft.result(), prevHash, hash);
    }

    /** The hash this entry's fields and prevHash call for; equals {@link #hash()} unless tampered with. */
    public String computeHash() {
        return computeHash(seq, time, incidentId, stage, kind, actor, identityKey, evidence, result, prevHash);
    }

    private static String computeHash(long seq, Instant time, String incidentId, Stage stage, String kind,
                                      String actor, String identityKey, Map<String, String> evidence,
                                      String result, String prevHash) {
        return new HashInput(HASH_DOMAIN)
                .hash(prevHash)
                .int64(seq)
                .int64(time.getEpochSecond())
                .int32(time.getNano())
                .text(incidentId)
                .text(stage.policyName())
                .text(kind)
                .text(actor)
                .text(identityKey)
                .textMap(evidence)
                .text(result)
                .sha256Hex();
    }

    static void requireText(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }

    static SortedMap<String, String> sortedEvidence(Map<String, String> evidence) {
        Objects.requireNonNull(evidence, "evidence");
        TreeMap<String, String> sorted = new TreeMap<>();
        evidence.forEach((key, value) -> sorted.put(
                Objects.requireNonNull(key, "evidence key"),
                Objects.requireNonNull(value, () -> "evidence value of '" + key + "'")));
        return Collections.unmodifiableSortedMap(sorted);
    }

    private static void requireHash(String value, String field) {
        if (!HashInput.isSha256Hex(value)) {
            throw new IllegalArgumentException(field + " must be 64 lowercase hex characters: '" + value + "'");
        }
    }
}
