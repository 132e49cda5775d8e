package io.itdr.core.model;

import java.util.List;
import java.util.Objects;

/**
 * Where an identity's workload is expected to act from, as the catalog says. Empty lists mean
 * "not stated", not "nowhere".
 *
 * @param cidrs      IPv4/IPv6 CIDR blocks
 * @param asns       autonomous system numbers
 * @param userAgents user-agent prefixes (case-insensitive)
 * @param regions    cloud regions or ISO country codes
 */
public record ExpectedSources(List<String> cidrs, List<Long> asns, List<String> userAgents, List<String> regions) {
    public static final ExpectedSources NONE = new ExpectedSources(List.of(), List.of(), List.of(), List.of());

    public ExpectedSources {
        cidrs = List.copyOf(Objects.requireNonNull(cidrs, "cidrs"));
        asns = List.copyOf(Objects.requireNonNull(asns, "asns"));
        userAgents = List.copyOf(Objects.requireNonNull(userAgents, "userAgents"));
        regions = List.copyOf(Objects.requireNonNull(regions, "regions"));
    }

    public boolean isStated() {
        return !cidrs.isEmpty() || !asns.isEmpty() || !userAgents.isEmpty() || !regions.isEmpty();
    }
}
