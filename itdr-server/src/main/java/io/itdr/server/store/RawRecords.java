package io.itdr.server.store;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The stored form of a raw platform record: its UTF-8 bytes, deflate-compressed in the zlib format
 * (RFC 1950, java.util.zip). Platform records are verbose JSON with repeated field names; at the
 * fastest level they shrink to a third or less. Stateless and thread-safe.
 */
final class RawRecords {
    /** The largest record read back, in bytes (the connectors' own limit per record is 4 MiB). */
    static final int MAX_BYTES = 16 << 20;

    private RawRecords() {
    }

    static byte[] compress(String record) {
        byte[] text = record.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(text);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, text.length / 3));
            byte[] buffer = new byte[Math.min(64 << 10, Math.max(256, text.length))];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** @throws IllegalArgumentException when {@code compressed} is not a record this class wrote */
    static String decompress(byte[] compressed) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 4);
            byte[] buffer = new byte[8 << 10];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("truncated compressed record (" + compressed.length + " bytes)");
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_BYTES) {
                    throw new IllegalArgumentException("record larger than " + MAX_BYTES + " bytes");
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a compressed record: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
