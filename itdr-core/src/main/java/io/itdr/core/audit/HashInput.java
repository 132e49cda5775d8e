package io.itdr.core.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The canonical, unambiguous byte encoding that the ledger chain and plan digests hash with
 * SHA-256. Another implementation reproduces a hash by writing the same bytes:
 *
 * <ul>
 *   <li>domain: the ASCII bytes of the domain name followed by one {@code 0x00} byte, so hashes of
 *       different kinds of object can never collide ({@code itdr.ledger.v1}, {@code itdr.plan.v1});
 *   <li>{@link #text}: {@code 0x00} for null; otherwise {@code 0x01}, the UTF-8 byte length as a
 *       4-byte big-endian int, then the UTF-8 bytes (length-prefixed, so "ab"+"c" ≠ "a"+"bc");
 *   <li>{@link #int64} / {@link #int32}: 8 / 4 bytes, big-endian two's complement;
 *   <li>{@link #bool}: one byte, {@code 0x01} true, {@code 0x00} false;
 *   <li>{@link #hash}: the 32 raw bytes of a lowercase-hex SHA-256 value;
 *   <li>{@link #textMap}: the entry count as int32, then for each entry in ascending key order
 *       ({@link String#compareTo}, i.e. UTF-16 code units) {@code text(key) text(value)}.
 * </ul>
 *
 * <p>Not thread-safe: one instance computes one hash and is then discarded.
 */
public final class HashInput {
    private static final HexFormat HEX = HexFormat.of();

    private final MessageDigest sha256;

    /** Starts a hash in {@code domain} (ASCII, no {@code 0x00}). */
    public HashInput(String domain) {
        Objects.requireNonNull(domain, "domain");
        if (domain.isEmpty() || domain.indexOf('\0') >= 0 || !StandardCharsets.US_ASCII.newEncoder().canEncode(domain)) {
            throw new IllegalArgumentException("domain must be non-empty ASCII without NUL: '" + domain + "'");
        }
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
        sha256.update(domain.getBytes(StandardCharsets.US_ASCII));
        sha256.update((byte) 0);
    }

    /** A nullable string: presence byte, then length-prefixed UTF-8. */
    public HashInput text(String value) {
        if (value == null) {
            sha256.update((byte) 0);
            return this;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        sha256.update((byte) 1);
        int32(utf8.length);
        sha256.update(utf8);
        return this;
    }

    public HashInput int64(long value) {
        sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(value).array());
        return this;
    }

    public HashInput int32(int value) {
        sha256.update(ByteBuffer.allocate(Integer.BYTES).putInt(value).array());
        return this;
    }

    public HashInput bool(boolean value) {
        sha256.update((byte) (value ? 1 : 0));
        return this;
    }

    /** A SHA-256 value given as 64 lowercase hex characters, written as its 32 raw bytes. */
    public HashInput hash(String sha256Hex) {
        if (!isSha256Hex(sha256Hex)) {
            throw new IllegalArgumentException("not a lowercase hex SHA-256 value: '" + sha256Hex + "'");
        }
        sha256.update(HEX.parseHex(sha256Hex));
        return this;
    }

    /** A string map in ascending key order; null keys or values are refused. */
    public HashInput textMap(Map<String, String> map) {
        Objects.requireNonNull(map, "map");
        TreeMap<String, String> sorted = new TreeMap<>(map);
        int32(sorted.size());
        sorted.forEach((key, value) -> text(key).text(Objects.requireNonNull(value, () -> "value of '" + key + "'")));
        return this;
    }

    /** Finishes the hash: lowercase hex SHA-256. */
    public String sha256Hex() {
        return HEX.formatHex(sha256.digest());
    }

    /** Whether {@code value} is 64 lowercase hex characters. */
    public static boolean isSha256Hex(String value) {
        if (value == null || value.length() != 64) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
