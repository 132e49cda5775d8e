package io.itdr.core.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Signed checkpoints of a ledger's head in a place the operator chooses, away from the database
 * (a {@link CheckpointStore}: a directory, or an object store): one small JSON object per
 * checkpoint ({@code checkpoint-<seq>-<millis>.json}), stored whole, never rewritten or pruned here.
 * Thread-safe: writes are serialised.
 */
public final class LedgerCheckpoints {
    private static final String PREFIX = "checkpoint-";
    private static final String SUFFIX = ".json";

    /**
     * What the directory holds.
     *
     * @param latest   the verified checkpoint naming the highest entry; null when there is none
     * @param verified every checkpoint whose signature verifies, by sequence
     * @param count    how many checkpoint files were found
     * @param problems files that cannot be read or whose signature does not verify, each named
     */
    public record Reading(LedgerCheckpoint latest, List<LedgerCheckpoint> verified, int count, List<String> problems) {
        public Reading {
            verified = List.copyOf(verified);
            problems = List.copyOf(problems);
        }
    }

    private final CheckpointStore store;
    private final PrivateKey signingKey;
    private final PublicKey verifyingKey;

    /** Checkpoints in a directory; {@code signingKey} null when this instance only verifies. */
    public LedgerCheckpoints(Path directory, PrivateKey signingKey, PublicKey verifyingKey) {
        this(new DirectoryCheckpointStore(directory), signingKey, verifyingKey);
    }

    /** @param signingKey null when this instance only verifies */
    public LedgerCheckpoints(CheckpointStore store, PrivateKey signingKey, PublicKey verifyingKey) {
        this.store = Objects.requireNonNull(store, "store");
        this.signingKey = signingKey;
        this.verifyingKey = Objects.requireNonNull(verifyingKey, "verifyingKey");
    }

    /** The directory, when the checkpoints are kept in one; null for another kind of store. */
    public Path directory() {
        return store instanceof DirectoryCheckpointStore d ? d.directory() : null;
    }

    /** Where the checkpoints are kept, for messages. */
    public String location() {
        return store.describe();
    }

    /**
     * Signs and stores a checkpoint of {@code head}.
     *
     * @throws LedgerException when it cannot be signed or written
     */
    public synchronized LedgerCheckpoint write(LedgerHead head, Instant time) {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(time, "time");
        if (signingKey == null) {
            throw new IllegalStateException("no signing key: this instance only verifies checkpoints");
        }
        LedgerCheckpoint checkpoint;
        try {
            byte[] signature = LedgerCheckpointKeys.sign(signingKey, LedgerCheckpoint.signedBytes(head, time));
            checkpoint = new LedgerCheckpoint(head.seq(), head.hash(), time, Base64.getEncoder().encodeToString(signature));
        } catch (GeneralSecurityException e) {
            throw new LedgerException("the ledger checkpoint cannot be signed: " + e.getMessage(), e);
        }
        String name = PREFIX + String.format("%020d-%013d", head.seq(), time.toEpochMilli()) + SUFFIX;
        try {
            store.put(name, (checkpoint.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new LedgerException("the ledger checkpoint cannot be written to " + store.describe() + ": " + e.getMessage(), e);
        }
        return checkpoint;
    }

    /**
     * Reads and verifies every checkpoint. A missing directory holds none.
     *
     * @throws LedgerException when the directory exists but cannot be listed
     */
    public Reading read() {
        List<String> names;
        try {
            names = store.names(PREFIX);
        } catch (IOException | RuntimeException e) {
            throw new LedgerException("the ledger checkpoints in " + store.describe() + " cannot be listed: " + e.getMessage(), e);
        }
        List<String> problems = new ArrayList<>();
        LedgerCheckpoint latest = null;
        List<LedgerCheckpoint> verified = new ArrayList<>();
        int count = 0;
        for (String name : names) {
            if (!name.endsWith(SUFFIX)) {
                continue;
            }
            count++;
            LedgerCheckpoint checkpoint;
            try {
                checkpoint = LedgerCheckpoint.parse(new String(store.get(name), StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                problems.add("checkpoint " + name + " cannot be read (" + e.getMessage() + ")");
                continue;
            }
            if (!signatureVerifies(checkpoint)) {
                problems.add("checkpoint " + name + " has a signature that does not verify (forged, altered, or signed "
                        + "with another key)");
                continue;
            }
            verified.add(checkpoint);
            if (latest == null || checkpoint.seq() > latest.seq()
                    || checkpoint.seq() == latest.seq() && checkpoint.time().isAfter(latest.time())) {
                latest = checkpoint;
            }
        }
        problems.sort(null);
        verified.sort(java.util.Comparator.comparingLong(LedgerCheckpoint::seq).thenComparing(LedgerCheckpoint::time));
        return new Reading(latest, verified, count, problems);
    }

    private boolean signatureVerifies(LedgerCheckpoint checkpoint) {
        try {
            return LedgerCheckpointKeys.verify(verifyingKey, checkpoint.signedBytes(), Base64.getDecoder().decode(checkpoint.signature()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
