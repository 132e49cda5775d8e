package io.itdr.core.normalize;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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

    /** Receives each line, or the reason a line could not be read. */
    public interface LineHandler {
        void line(long lineNumber, String text);

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
     * Reads every line of {@code in} (not closed here).
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
            byte[] line = new byte[Math.min(maxLineBytes, 8 * 1024)];
            int length = 0;
            boolean overlong = false;
            long lineNumber = 1;
            int n;
            while ((n = source.read(chunk)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = chunk[i];
                    if (b == '\n') {
                        emit(line, length, overlong, lineNumber, decoder, handler);
                        lineNumber++;
                        length = 0;
                        overlong = false;
                    } else if (!overlong) {
                        if (length == maxLineBytes) {
                            overlong = true;
                        } else {
                            if (length == line.length) {
                                byte[] bigger = new byte[Math.min(maxLineBytes, line.length * 2)];
                                System.arraycopy(line, 0, bigger, 0, length);
                                line = bigger;
                            }
                            line[length++] = b;
                        }
                    }
                }
            }
            emit(line, length, overlong, lineNumber, decoder, handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void emit(byte[] line, int length, boolean overlong, long lineNumber, CharsetDecoder decoder,
                      LineHandler handler) {
        if (overlong) {
            handler.unreadable(lineNumber, "line longer than " + maxLineBytes + " bytes; skipped");
            return;
        }
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        if (isBlank(line, length)) {
            return;
        }
        String text;
        try {
            decoder.reset();
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(line, 0, length));
            text = chars.toString();
        } catch (CharacterCodingException e) {
            handler.unreadable(lineNumber, "not valid UTF-8");
            return;
        }
        handler.line(lineNumber, text);
    }

    private static boolean isBlank(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            byte b = line[i];
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
