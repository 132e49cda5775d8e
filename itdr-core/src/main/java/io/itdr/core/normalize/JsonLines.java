package io.itdr.core.normalize;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Splits a stream of JSON Lines into lines, streaming, with the protections a log file from
 * outside needs: gzip is detected from the magic bytes; a line longer than the limit is skipped
 * (and reported) without being held in memory; bytes that are not UTF-8 are reported, not
 * replaced; a trailing CR (CRLF files) is dropped; blank lines are skipped.
 *
 * <p>Not thread-safe; one instance reads one stream.
 */
public final class JsonLines {
    /** Default upper bound of one line: 1 MiB. */
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    /**
     * Receives each line, or the reason a line could not be read. A handler implements either
     * {@link #line(long, String)} (the line decoded to text) or, to parse the bytes in place
     * without a copy, {@link #line(long, byte[], int, int)}.
     */
    public interface LineHandler {
        void line(long lineNumber, String text);

        /**
         * One line as UTF-8 bytes, already checked to be valid UTF-8, without its line break or
         * trailing CR; never blank. The array is the reader's buffer: read it during the call,
         * never keep it. The default decodes the bytes and calls {@link #line(long, String)}.
         */
        default void line(long lineNumber, byte[] bytes, int offset, int length) {
            line(lineNumber, new String(bytes, offset, length, StandardCharsets.UTF_8));
        }

        void unreadable(long lineNumber, String reason);
    }

    private final int maxLineBytes;

    public JsonLines(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive");
        }
        this.maxLineBytes = maxLineBytes;
    }

    public JsonLines() {
        this(DEFAULT_MAX_LINE_BYTES);
    }

    /**
     * Reads every line of {@code in} (not closed here). Line ends are found in the read buffer and
     * a line that lies within it is handed over in place; only a line that spans two reads is
     * copied (once, in bulk) into a carry-over buffer.
     *
     * @throws UncheckedIOException when the stream itself fails (truncated gzip, I/O error);
     *                              lines read before that were already handed over
     */
    public void read(InputStream in, LineHandler handler) {
        try {
            InputStream source = maybeGunzip(in);
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            byte[] chunk = new byte[64 * 1024];
            byte[] carry = new byte[Math.min(maxLineBytes, 8 * 1024)];
            int carried = 0; // bytes of the current line held in carry (it began in an earlier read)
            boolean overlong = false;
            long lineNumber = 1;
            int n;
            while ((n = source.read(chunk)) > 0) {
                int from = 0;
                while (from < n) {
                    int end = indexOf(chunk, from, n, (byte) '\n');
                    int upTo = end < 0 ? n : end;
                    if (!overlong) {
                        if (carried + (upTo - from) > maxLineBytes) {
                            overlong = true;
                            carried = 0;
                        } else if (end >= 0 && carried == 0) {
                            // the whole line is in the read buffer: hand it over in place
                            emit(chunk, from, upTo - from, lineNumber, decoder, handler);
                        } else {
                            if (carried + (upTo - from) > carry.length) {
                                carry = Arrays.copyOf(carry, Math.min(maxLineBytes, Math.max(carry.length * 2, carried + (upTo - from))));
                            }
                            System.arraycopy(chunk, from, carry, carried, upTo - from);
                            carried += upTo - from;
                            if (end >= 0) {
                                emit(carry, 0, carried, lineNumber, decoder, handler);
                                carried = 0;
                            }
                        }
                    }
                    if (end < 0) {
                        break;
                    }
                    if (overlong) {
                        handler.unreadable(lineNumber, "line longer than " + maxLineBytes + " bytes; skipped");
                    }
                    lineNumber++;
                    overlong = false;
                    from = end + 1;
                }
            }
            if (overlong) {
                handler.unreadable(lineNumber, "line longer than " + maxLineBytes + " bytes; skipped");
            } else {
                emit(carry, 0, carried, lineNumber, decoder, handler);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int indexOf(byte[] bytes, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static void emit(byte[] bytes, int offset, int length, long lineNumber, CharsetDecoder decoder,
                             LineHandler handler) {
        if (length > 0 && bytes[offset + length - 1] == '\r') {
            length--;
        }
        if (isBlank(bytes, offset, length)) {
            return;
        }
        if (!isAscii(bytes, offset, length)) {
            try { // only lines with non-ASCII bytes need the check; most log lines have none
                decoder.reset();
                decoder.decode(ByteBuffer.wrap(bytes, offset, length));
            } catch (CharacterCodingException e) {
                handler.unreadable(lineNumber, "not valid UTF-8");
                return;
            }
        }
        handler.line(lineNumber, bytes, offset, length);
    }

    private static boolean isAscii(byte[] bytes, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isBlank(byte[] bytes, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = bytes[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Wraps the stream in a gzip decoder when it starts with the gzip magic bytes. */
    public static InputStream maybeGunzip(InputStream in) throws IOException {
        BufferedInputStream buffered = in instanceof BufferedInputStream b ? b : new BufferedInputStream(in, 64 * 1024);
        buffered.mark(2);
        int b1 = buffered.read();
        int b2 = buffered.read();
        buffered.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new GZIPInputStream(buffered, 64 * 1024);
        }
        return buffered;
    }
}
