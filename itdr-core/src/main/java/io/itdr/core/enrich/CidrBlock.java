package io.itdr.core.enrich;

import java.util.Objects;

/**
 * An IPv4 or IPv6 network in CIDR notation ("10.20.0.0/16", "2001:db8::/32"). Immutable and
 * thread-safe.
 *
 * <p>A bare address is a single-host block (/32 or /128). A block whose address has bits set
 * after the prefix ("10.20.1.0/16") is refused rather than silently widened, because such a typo
 * in a catalog would quietly trust a different network than the operator meant. An IPv4 block
 * also contains the IPv4-mapped IPv6 form of its addresses (::ffff:10.20.1.1).
 *
 * @param network      the first address of the block, with no bits set after the prefix; never null
 * @param prefixLength 0..32 for IPv4, 0..128 for IPv6
 */
public record CidrBlock(IpAddress network, int prefixLength) {

    public CidrBlock {
        Objects.requireNonNull(network, "network");
        if (prefixLength < 0 || prefixLength > network.bits()) {
            throw new IllegalArgumentException("prefix length must be 0.." + network.bits() + ": " + prefixLength);
        }
        IpAddress masked = network.network(prefixLength);
        if (!masked.equals(network)) {
            throw new IllegalArgumentException("host bits set after the /" + prefixLength + " prefix; the network is "
                    + masked + "/" + prefixLength);
        }
    }

    /**
     * Reads CIDR text.
     *
     * @throws IllegalArgumentException with a reason fit for an operator when the text is not a block
     */
    public static CidrBlock parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        IpAddress address;
        try {
            address = IpAddress.parse(addressText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block: " + e.getMessage(), e);
        }
        if (slash < 0) {
            return new CidrBlock(address, address.bits());
        }
        String prefixText = text.substring(slash + 1);
        int prefix = parsePrefix(prefixText);
        if (prefix < 0 || prefix > address.bits()) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block: the prefix length must be a number 0.."
                    + address.bits());
        }
        return new CidrBlock(address, prefix);
    }

    /** Whether the block contains {@code address}; false for null. */
    public boolean contains(IpAddress address) {
        if (address == null) {
            return false;
        }
        IpAddress candidate = network.v4() ? address.unmapped() : address;
        return network.samePrefix(candidate, prefixLength);
    }

    /** Whether the block contains the address written in {@code ip}; false when it is not an IP literal. */
    public boolean contains(String ip) {
        return contains(IpAddress.tryParse(ip));
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }

    /** Decimal 0..999 without sign or leading zeros, else -1. */
    private static int parsePrefix(String text) {
        int length = text.length();
        if (length == 0 || length > 3 || (length > 1 && text.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
