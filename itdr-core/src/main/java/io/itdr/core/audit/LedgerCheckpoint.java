package io.itdr.core.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A signed record of a ledger's head at one moment, kept outside the ledger (see
 * {@link LedgerCheckpoints}) so that a removed tail, which leaves a valid shorter chain, is still
 * detected. Immutable.
 *
 * @param seq       the head entry's sequence, ≥ 1
 * @param hash      the head entry's hash
 * @param time      when the checkpoint was taken
 * @param signature Ed25519 signature of {@link #signedBytes()}, base64; never null
 */
public record LedgerCheckpoint(long seq, String hash, Instant time, String signature) {
    private static final Pattern JSON = Pattern.compile(
            "\\{\"seq\":(\\d{1,19}),\"hash\":\"([0-9a-f]{64})\",\"time\":\"([^\"]{1,40})\",\"signature\":\"([A-Za-z0-9+/=]{1,200})\"}\\s*");

    public LedgerCheckpoint {
        new LedgerHead(seq, hash); // the same rules as a head
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(signature, "signature");
    }

    /** The head this checkpoint names. */
    public LedgerHead head() {
        return new LedgerHead(seq, hash);
    }

    /** What is signed: a fixed label, the sequence, the hash and the time, one per line. */
    public static byte[] signedBytes(LedgerHead head, Instant time) {
        return ("itdr-ledger-checkpoint-v1\n" + head.seq() + "\n" + head.hash() + "\n" + time + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    public byte[] signedBytes() {
        return signedBytes(head(), time);
    }

    /** One line of JSON; every field is plain ASCII, so no escaping is needed. */
    public String toJson() {
        return "{\"seq\":" + seq + ",\"hash\":\"" + hash + "\",\"time\":\"" + time + "\",\"signature\":\"" + signature + "\"}";
    }

    /** @throws IllegalArgumentException when {@code json} is not a checkpoint written by {@link #toJson()} */
    public static LedgerCheckpoint parse(String json) {
        Matcher m = JSON.matcher(json);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a ledger checkpoint");
        }
        try {
            return new LedgerCheckpoint(Long.parseLong(m.group(1)), m.group(2), Instant.parse(m.group(3)), m.group(4));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("not a ledger checkpoint: " + e.getMessage(), e);
        }
    }
}
