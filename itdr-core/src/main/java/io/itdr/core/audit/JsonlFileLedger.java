package io.itdr.core.audit;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A ledger in an append-only JSON Lines file (format: one entry per line, see
 * {@code JsonlLedgerFormat}).
 *
 * <p><b>Durability:</b> every {@link #append} writes its line and calls
 * {@link FileChannel#force(boolean) force(true)} before returning, so an entry that was returned
 * survives a crash; the cost is one sync per entry, which is what "no action runs without its
 * ledger entry" needs. If a write fails, the file is truncated back to its last complete entry;
 * if even that fails, the ledger refuses every further append until it is reopened (and verified).
 *
 * <p><b>Opening:</b> an existing file is verified entry by entry first and the chain resumes after
 * its last entry; a broken file (altered, reordered, garbled or torn line) is refused, naming the
 * entry and line. The file is locked while open, so two ledgers never append to one file.
 *
 * <p>Thread-safe: appends and reads are serialised on this object. {@link #read} scans the file
 * from its start; the server keeps its ledger in the database instead.
 */
public final class JsonlFileLedger implements Ledger, Closeable {
    private final Path file;
    private final Clock clock;
    private final FileChannel channel;
    private final FileLock lock;
    private LedgerEntry last;
    private long end;
    private String unusableReason;

    private JsonlFileLedger(Path file, Clock clock, FileChannel channel, FileLock lock, LedgerEntry last) throws IOException {
        this.file = file;
        this.clock = clock;
        this.channel = channel;
        this.lock = lock;
        this.last = last;
        this.end = channel.size();
    }

    /**
     * Opens (creating if absent) the ledger file.
     *
     * @throws LedgerException when the file is broken, locked by another ledger, or cannot be read
     */
    public static JsonlFileLedger open(Path file, Clock clock) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(clock, "clock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new LedgerException("ledger file " + file + " is already open by another ledger");
            }
            ChainCheck check = JsonlLedgerFormat.scan(file, null);
            LedgerVerification verification = check.finish();
            if (!verification.intact()) {
                throw new LedgerException("ledger file " + file + " is broken at entry " + verification.firstBrokenSeq()
                        + ": " + verification.reason() + "; refusing to append to it");
            }
            return new JsonlFileLedger(file, clock, channel, lock, check.last());
        } catch (IOException e) {
            closeQuietly(channel);
            throw new LedgerException("cannot open ledger file " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public synchronized LedgerEntry append(LedgerDraft draft) {
        Objects.requireNonNull(draft, "draft");
        if (unusableReason != null) {
            throw new LedgerException("ledger file " + file + " refuses appends: " + unusableReason);
        }
        LedgerEntry entry = LedgerEntry.chain(last, draft, clock.instant());
        ByteBuffer line = ByteBuffer.wrap(JsonlLedgerFormat.toLine(entry));
        long position = end;
        try {
            while (line.hasRemaining()) {
                position += channel.write(line, position);
            }
            channel.force(true);
        } catch (IOException e) {
            discardPartialWrite();
            throw new LedgerException("cannot write entry " + entry.seq() + " to ledger file " + file + ": " + e.getMessage(), e);
        }
        end = position;
        last = entry;
        return entry;
    }

    @Override
    public synchronized List<LedgerEntry> read(long fromSeq, int max) {
        InMemoryLedger.checkReadArguments(fromSeq, max);
        List<LedgerEntry> entries = new ArrayList<>();
        if (max == 0 || last == null || fromSeq > last.seq()) {
            return entries;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNo = 0;
            while ((line = reader.readLine()) != null && entries.size() < max && lineNo < last.seq()) {
                lineNo++;
                if (lineNo >= fromSeq) {
                    entries.add(parse(line, lineNo));
                }
            }
        } catch (IOException e) {
            throw new LedgerException("cannot read ledger file " + file + ": " + e.getMessage(), e);
        }
        return List.copyOf(entries);
    }

    @Override
    public synchronized long size() {
        return last == null ? 0 : last.seq();
    }

    @Override
    public synchronized Optional<LedgerEntry> last() {
        return Optional.ofNullable(last);
    }

    /** Releases the file lock and closes the file; later appends fail. */
    @Override
    public synchronized void close() throws IOException {
        if (unusableReason == null) {
            unusableReason = "closed";
        }
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    private LedgerEntry parse(String line, long lineNo) {
        try {
            return JsonlLedgerFormat.parse(line);
        } catch (IllegalArgumentException e) {
            throw new LedgerException("ledger file " + file + " line " + lineNo + " became unreadable while open: " + e.getMessage());
        }
    }

    /** Cuts a partly written line off again, so the file still ends with a complete entry. */
    private void discardPartialWrite() {
        try {
            channel.truncate(end);
            channel.force(true);
        } catch (IOException e) {
            unusableReason = "a failed write could not be undone (" + e.getMessage() + "); reopen the file to verify it";
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the original failure is the one worth reporting
            }
        }
    }
}
