package io.itdr.server.intake;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes read through it and fails the read that passes a limit (and every read after
 * it), remembering that it did, so the reader's own error handling cannot hide it. Can also be
 * stopped from outside ({@link #stop()}) when the reader must not read on. Not thread-safe: one
 * reader.
 */
final class BoundedStream extends FilterInputStream {
    private final long limit;
    private long count;
    private boolean exceeded;
    private boolean stopped;

    BoundedStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        check();
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        check();
        // never read more than one byte past the limit, however large the reader's buffer
        int n = super.read(buffer, offset, (int) Math.min(length, limit - count + 1));
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        check();
        long skipped = super.skip(Math.min(n, limit - count + 1));
        counted(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Every later read fails. */
    void stop() {
        stopped = true;
    }

    boolean exceeded() {
        return exceeded;
    }

    private void counted(long n) throws IOException {
        count += n;
        if (count > limit) {
            exceeded = true;
            throw new IOException("more than " + limit + " bytes");
        }
    }

    private void check() throws IOException {
        if (exceeded) {
            throw new IOException("more than " + limit + " bytes");
        }
        if (stopped) {
            throw new IOException("reading was stopped");
        }
    }
}
