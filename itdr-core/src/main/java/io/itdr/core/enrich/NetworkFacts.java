package io.itdr.core.enrich;

import io.itdr.spi.event.Geo;

/**
 * What is known of the network an event came from: whose network it is (an autonomous system,
 * a cloud provider's published range, the tenant's own private network or VPC endpoint, or the
 * cloud calling on the identity's behalf) and where it is. Immutable.
 *
 * @param kind        what sort of source it is; never null
 * @param asn         autonomous system number (MaxMind ASN database); null when unknown
 * @param asOrg       the AS's organisation; null when unknown
 * @param cloud       the cloud provider whose published range holds the address ("aws", "gcp"),
 *                    or whose service called ({@link Kind#CLOUD_SERVICE}); null otherwise
 * @param cloudRegion the provider's region of that range; null when unknown or global
 * @param geo         location (MaxMind country/city database); null when unknown
 */
public record NetworkFacts(Kind kind, Long asn, String asOrg, String cloud, String cloudRegion, Geo geo) {
    /** Nothing is known. */
    public static final NetworkFacts UNKNOWN = new NetworkFacts(Kind.UNKNOWN, null, null, null, null, null);

    /** The network owner {@link #owner()} gives to private addresses and VPC endpoints. */
    public static final String TENANT = "tenant";

    public NetworkFacts {
        java.util.Objects.requireNonNull(kind, "kind");
    }

    /** What sort of source an address is. */
    public enum Kind {
        /** A public address. */
        PUBLIC,
        /** RFC 1918, carrier-grade NAT, loopback, link-local or unique-local: the tenant's own network. */
        PRIVATE,
        /** The call came through one of the tenant's VPC endpoints (CloudTrail {@code vpcEndpointId}). */
        VPC_ENDPOINT,
        /** A cloud service calling on the identity's behalf ("kms.amazonaws.com", "AWS Internal"). */
        CLOUD_SERVICE,
        /** Not an address, or nothing given. */
        UNKNOWN
    }

    /**
     * Who owns the network, at the level where a change means a different party holds the
     * credential: {@code cloud:<provider>} for a provider's published range (or one of its
     * well-known ASNs), {@code as:<asn>} for another known AS, {@link #TENANT} for private
     * addresses and VPC endpoints; null when unknown (a bare public address without data, or a
     * cloud service acting for the identity, which is no network of the identity's).
     */
    public String owner() {
        return switch (kind) {
            case PRIVATE, VPC_ENDPOINT -> TENANT;
            case CLOUD_SERVICE, UNKNOWN -> null;
            case PUBLIC -> cloud != null ? "cloud:" + cloud : asn != null ? "as:" + asn : null;
        };
    }
}
