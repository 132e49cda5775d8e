package io.itdr.core.enrich;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes tiny IPv4 databases in the MaxMind DB format (https://maxmind.github.io/MaxMind-DB/:
 * a binary search tree of 24-bit records, a 16-byte separator, the data section, then the
 * metadata after "\xAB\xCD\xEFMaxMind.com"), so tests read them with MaxMind's own reader. No
 * writer library for Java is published; the format is small enough to write here. Values: String,
 * Long (uint32), Double, Boolean, Map, List.
 */
final class MaxMindTestDatabase {
    private final String databaseType;
    private final Map<String, Object> entries = new LinkedHashMap<>();

    MaxMindTestDatabase(String databaseType) {
        this.databaseType = databaseType;
    }

    /** Adds a network (IPv4 CIDR) with its record. */
    MaxMindTestDatabase network(String cidr, Map<String, Object> record) {
        entries.put(cidr, record);
        return this;
    }

    Path write(Path file) throws IOException {
        // data section: one encoded record per network
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<long[]> prefixes = new ArrayList<>(); // {network, length, dataOffset}
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            CidrBlock block = CidrBlock.parse(e.getKey());
            prefixes.add(new long[] {block.network().low(), block.prefixLength(), data.size()});
            encode(e.getValue(), data);
        }
        // search tree: node i has records [2i] (bit 0) and [2i+1] (bit 1); -1 empty, >= 0 node, < -1 data
        List<long[]> nodes = new ArrayList<>();
        nodes.add(new long[] {-1, -1});
        for (long[] p : prefixes) {
            int node = 0;
            for (int depth = 0; depth < p[1]; depth++) {
                int bit = (int) ((p[0] >>> (31 - depth)) & 1);
                if (depth == p[1] - 1) {
                    nodes.get(node)[bit] = -2 - p[2];
                } else {
                    if (nodes.get(node)[bit] < 0) {
                        nodes.add(new long[] {-1, -1});
                        nodes.get(node)[bit] = nodes.size() - 1;
                    }
                    node = (int) nodes.get(node)[bit];
                }
            }
        }
        int nodeCount = nodes.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long[] n : nodes) {
            for (long r : n) {
                long value = r == -1 ? nodeCount : r >= 0 ? r : nodeCount + 16 + (-2 - r);
                out.write((int) (value >>> 16) & 0xFF);
                out.write((int) (value >>> 8) & 0xFF);
                out.write((int) value & 0xFF);
            }
        }
        out.write(new byte[16]);
        data.writeTo(out);
        out.write(new byte[] {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF});
        out.write("MaxMind.com".getBytes(StandardCharsets.US_ASCII));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("binary_format_major_version", new Uint16(2));
        metadata.put("binary_format_minor_version", new Uint16(0));
        metadata.put("build_epoch", new Uint64(1_700_000_000L));
        metadata.put("database_type", databaseType);
        metadata.put("description", Map.of("en", "itdr test database"));
        metadata.put("ip_version", new Uint16(4));
        metadata.put("languages", List.of("en"));
        metadata.put("node_count", (long) nodeCount);
        metadata.put("record_size", new Uint16(24));
        encode(metadata, out);
        Files.write(file, out.toByteArray());
        return file;
    }

    record Uint16(int value) {
    }

    record Uint64(long value) {
    }

    private static void encode(Object value, ByteArrayOutputStream out) {
        if (value instanceof String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            control(2, b.length, out);
            out.writeBytes(b);
        } else if (value instanceof Double d) {
            control(3, 8, out);
            long bits = Double.doubleToLongBits(d);
            for (int i = 7; i >= 0; i--) {
                out.write((int) (bits >>> (8 * i)) & 0xFF);
            }
        } else if (value instanceof Uint16 u) {
            unsigned(5, u.value(), out);
        } else if (value instanceof Long l) {
            unsigned(6, l, out);
        } else if (value instanceof Uint64 u) {
            unsigned(9, u.value(), out);
        } else if (value instanceof Boolean b) {
            control(14, b ? 1 : 0, out);
        } else if (value instanceof Map<?, ?> m) {
            control(7, m.size(), out);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                encode((String) e.getKey(), out);
                encode(e.getValue(), out);
            }
        } else if (value instanceof List<?> list) {
            control(11, list.size(), out);
            list.forEach(v -> encode(v, out));
        } else {
            throw new IllegalArgumentException("cannot encode " + value);
        }
    }

    private static void unsigned(int type, long value, ByteArrayOutputStream out) {
        int size = 0;
        for (long v = value; v != 0; v >>>= 8) {
            size++;
        }
        control(type, size, out);
        for (int i = size - 1; i >= 0; i--) {
            out.write((int) (value >>> (8 * i)) & 0xFF);
        }
    }

    /** Control byte (type in the top three bits, or 0 and an extended type byte), then the size. */
    private static void control(int type, int size, ByteArrayOutputStream out) {
        int first = (type <= 7 ? type : 0) << 5;
        byte[] extra;
        if (size < 29) {
            first |= size;
            extra = new byte[0];
        } else if (size < 285) {
            first |= 29;
            extra = new byte[] {(byte) (size - 29)};
        } else {
            int s = size - 285;
            first |= 30;
            extra = new byte[] {(byte) (s >>> 8), (byte) s};
        }
        out.write(first);
        if (type > 7) {
            out.write(type - 7);
        }
        out.writeBytes(extra);
    }
}
