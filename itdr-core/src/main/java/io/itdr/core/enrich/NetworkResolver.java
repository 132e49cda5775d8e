package io.itdr.core.enrich;

/**
 * Resolves where an event came from on the network ({@link NetworkFacts}). Implementations answer
 * from memory, are thread-safe and never throw for input that is not an address.
 */
@FunctionalInterface
public interface NetworkResolver {

    /**
     * @param address       the platform's source field: an IP literal, a service name
     *                      ("kms.amazonaws.com"), or null
     * @param vpcEndpointId the VPC endpoint the call came through (CloudTrail {@code vpcEndpointId}); null when none
     * @return never null ({@link NetworkFacts#UNKNOWN})
     */
    NetworkFacts resolve(String address, String vpcEndpointId);

    /** Recognises private addresses, VPC endpoints and cloud service names, with no data files. */
    static NetworkResolver basic() {
        return NetworkDirectory.basic();
    }
}
