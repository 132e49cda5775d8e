package io.itdr.core.audit;

import java.io.IOException;
import java.util.List;

/**
 * Where signed ledger checkpoints are kept, away from the database: a directory
 * ({@link DirectoryCheckpointStore}) or an object store. Objects are written once under a name and
 * never rewritten; a reader never sees half an object. Implementations are thread-safe.
 */
public interface CheckpointStore {
    /** Stores {@code content} under {@code name}, whole or not at all. */
    void put(String name, byte[] content) throws IOException;

    /** The names stored that start with {@code prefix}; empty when the store holds none (or does not exist yet). */
    List<String> names(String prefix) throws IOException;

    /** The content stored under {@code name}. */
    byte[] get(String name) throws IOException;

    /** Where this is, for messages ({@code /var/lib/itdr/checkpoints}, {@code s3://bucket/prefix}). */
    String describe();
}
