package io.itdr.server.intake;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;

/**
 * A payload with its gzip layers taken off (detected by the magic number, as the normalizers
 * detect it), lazily on the first read so that a broken gzip header fails like any unreadable
 * payload. Unpacking here rather than in the normalizer lets the host count the unpacked bytes.
 * At most {@link #MAX_LAYERS} layers; a deeper nesting is read as it is. Not thread-safe.
 */
final class Unpacking extends InputStream {
    static final int MAX_LAYERS = 3;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final InputStream packed;
    private InputStream plain;

    Unpacking(InputStream packed) {
        this.packed = packed;
    }

    @Override
    public int read() throws IOException {
        return plain().read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return plain().read(buffer, offset, length);
    }

    @Override
    public void close() throws IOException {
        (plain != null ? plain : packed).close();
    }

    private InputStream plain() throws IOException {
        if (plain == null) {
            InputStream current = packed;
            for (int layer = 0; layer <= MAX_LAYERS; layer++) {
                PushbackInputStream peek = new PushbackInputStream(current, 2);
                int first = peek.read();
                int second = first < 0 ? -1 : peek.read();
                if (second >= 0) {
                    peek.unread(second);
                }
                if (first >= 0) {
                    peek.unread(first);
                }
                current = peek;
                if (layer == MAX_LAYERS || first != 0x1f || second != 0x8b) {
                    break;
                }
                current = new GZIPInputStream(peek, BUFFER_BYTES);
            }
            plain = current;
        }
        return plain;
    }
}
