package io.itdr.core.enrich;

/**
 * An IPv4 or IPv6 address read from its literal text, without DNS: text that is not an address
 * literal ("ec2.amazonaws.com") is simply not an address. Immutable and thread-safe.
 *
 * <p>Parsing is strict: IPv4 needs four decimal octets without leading zeros (so "010.0.0.1" is
 * refused rather than guessed as octal); IPv6 accepts "::" compression, an embedded IPv4 tail
 * ("::ffff:10.0.0.1") and, in {@link #tryParse}, a zone suffix ("fe80::1%eth0"), which is dropped.
 *
 * @param v4   true for IPv4
 * @param high IPv6: the upper 64 bits; IPv4: 0
 * @param low  IPv6: the lower 64 bits; IPv4: the address in the low 32 bits
 */
public record IpAddress(boolean v4, long high, long low) {
    private static final long V4_MAPPED_MARKER = 0xFFFFL;

    public IpAddress {
        if (v4 && (high != 0 || (low >>> 32) != 0)) {
            throw new IllegalArgumentException("an IPv4 address has 32 bits");
        }
    }

    /** The address, or null when {@code text} is null or not an IP literal. Never throws. */
    public static IpAddress tryParse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        if (text.indexOf(':') >= 0) {
            int zone = text.indexOf('%');
            return parseV6(text, zone < 0 ? text.length() : zone);
        }
        long v4 = parseV4(text, 0, text.length());
        return v4 < 0 ? null : new IpAddress(true, 0, v4);
    }

    /**
     * The address; zone suffixes are refused here.
     *
     * @throws IllegalArgumentException naming the text when it is not an IP literal
     */
    public static IpAddress parse(String text) {
        IpAddress address = text == null || text.indexOf('%') >= 0 ? null : tryParse(text);
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IPv4 or IPv6 address");
        }
        return address;
    }

    /** 32 for IPv4, 128 for IPv6. */
    public int bits() {
        return v4 ? 32 : 128;
    }

    /** For an IPv4-mapped IPv6 address (::ffff:a.b.c.d) the IPv4 address; otherwise this. */
    public IpAddress unmapped() {
        if (!v4 && high == 0 && (low >>> 32) == V4_MAPPED_MARKER) {
            return new IpAddress(true, 0, low & 0xFFFF_FFFFL);
        }
        return this;
    }

    /**
     * This address with every bit after the first {@code prefixLength} cleared.
     *
     * @throws IllegalArgumentException when the prefix is outside 0..{@link #bits()}
     */
    public IpAddress network(int prefixLength) {
        if (prefixLength < 0 || prefixLength > bits()) {
            throw new IllegalArgumentException("prefix length must be 0.." + bits() + ": " + prefixLength);
        }
        if (v4) {
            return new IpAddress(true, 0, low & v4Mask(prefixLength));
        }
        return new IpAddress(false, high & highMask(prefixLength), low & lowMask(prefixLength));
    }

    /** Whether this and {@code other} agree on the first {@code prefixLength} bits (same family only). */
    boolean samePrefix(IpAddress other, int prefixLength) {
        if (v4 != other.v4) {
            return false;
        }
        if (v4) {
            long mask = v4Mask(prefixLength);
            return (low & mask) == (other.low & mask);
        }
        long hm = highMask(prefixLength);
        long lm = lowMask(prefixLength);
        return (high & hm) == (other.high & hm) && (low & lm) == (other.low & lm);
    }

    /** Dotted quad for IPv4; RFC 5952 text (lower case, longest zero run compressed) for IPv6. */
    @Override
    public String toString() {
        if (v4) {
            return (low >>> 24) + "." + ((low >>> 16) & 0xFF) + "." + ((low >>> 8) & 0xFF) + "." + (low & 0xFF);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 4; i++) {
            groups[i] = (int) ((high >>> (48 - 16 * i)) & 0xFFFF);
            groups[i + 4] = (int) ((low >>> (48 - 16 * i)) & 0xFFFF);
        }
        int bestStart = -1;
        int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                b.append("::");
                i += bestLength - 1;
                continue;
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != ':') {
                b.append(':');
            }
            b.append(Integer.toHexString(groups[i]));
        }
        return b.toString();
    }

    private static long v4Mask(int prefixLength) {
        return prefixLength == 0 ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
    }

    private static long highMask(int prefixLength) {
        return prefixLength >= 64 ? -1L : prefixLength == 0 ? 0 : -1L << (64 - prefixLength);
    }

    private static long lowMask(int prefixLength) {
        return prefixLength <= 64 ? 0 : prefixLength == 128 ? -1L : -1L << (128 - prefixLength);
    }

    /** The IPv4 address in text[from, to) as an unsigned 32-bit value, or -1 when it is not one. */
    private static long parseV4(String text, int from, int to) {
        long value = 0;
        int octets = 0;
        int i = from;
        while (true) {
            int start = i;
            int octet = 0;
            while (i < to && i - start < 4) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                octet = octet * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | octet;
            octets++;
            if (i == to) {
                return octets == 4 ? value : -1;
            }
            if (octets == 4 || text.charAt(i) != '.') {
                return -1;
            }
            i++;
        }
    }

    private static IpAddress parseV6(String text, int end) {
        int[] groups = new int[8];
        int count = 0;
        int compressAt = -1;
        int i = 0;
        if (end >= 2 && text.charAt(0) == ':' && text.charAt(1) == ':') {
            compressAt = 0;
            i = 2;
        } else if (end == 0 || text.charAt(0) == ':') {
            return null;
        }
        while (i < end) {
            int segmentEnd = i;
            boolean dotted = false;
            while (segmentEnd < end && text.charAt(segmentEnd) != ':') {
                dotted |= text.charAt(segmentEnd) == '.';
                segmentEnd++;
            }
            if (dotted) {
                // an embedded IPv4 address takes the last two groups
                long v4 = segmentEnd == end && count <= 6 ? parseV4(text, i, end) : -1;
                if (v4 < 0) {
                    return null;
                }
                groups[count++] = (int) (v4 >>> 16);
                groups[count++] = (int) (v4 & 0xFFFF);
                i = end;
                break;
            }
            int length = segmentEnd - i;
            if (length < 1 || length > 4 || count == 8) {
                return null;
            }
            int group = 0;
            for (int k = i; k < segmentEnd; k++) {
                int digit = Character.digit(text.charAt(k), 16);
                if (digit < 0) {
                    return null;
                }
                group = (group << 4) | digit;
            }
            groups[count++] = group;
            i = segmentEnd;
            if (i == end) {
                break;
            }
            i++; // past ':'
            if (i < end && text.charAt(i) == ':') {
                if (compressAt >= 0) {
                    return null;
                }
                compressAt = count;
                i++;
            } else if (i == end) {
                return null; // a single trailing colon
            }
        }
        if (compressAt < 0 ? count != 8 : count > 7) {
            return null;
        }
        if (compressAt >= 0) {
            int tail = count - compressAt;
            System.arraycopy(groups, compressAt, groups, 8 - tail, tail);
            for (int k = compressAt; k < 8 - tail; k++) {
                groups[k] = 0;
            }
        }
        long high = 0;
        long low = 0;
        for (int k = 0; k < 4; k++) {
            high = (high << 16) | groups[k];
            low = (low << 16) | groups[k + 4];
        }
        return new IpAddress(false, high, low);
    }
}
