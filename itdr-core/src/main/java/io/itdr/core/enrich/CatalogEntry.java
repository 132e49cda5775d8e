package io.itdr.core.enrich;

import io.itdr.core.model.Criticality;
import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.Lifecycle;
import io.itdr.core.model.Maturity;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the {@link IdentityCatalog}: what the operator says about the identities it
 * matches. Immutable. Null fields were not stated.
 *
 * @param match             an identity id, or a glob with {@code *} (any run of characters) and
 *                          {@code ?} (one character); never null or blank
 * @param platform          the platform the entry is restricted to; null for every platform
 * @param owner             may be null
 * @param criticality       may be null
 * @param lifecycle         may be null
 * @param maturity          may be null
 * @param consumers         workloads or applications using the identity; never null
 * @param expectedSources   never null ({@link ExpectedSources#NONE} when not stated)
 * @param secretDestination where a rotated secret must be written; may be null
 * @param origin            where the entry was written ("catalog.yaml:12"), for evidence; never null
 */
public record CatalogEntry(String match, String platform, String owner, Criticality criticality, Lifecycle lifecycle,
                           Maturity maturity, List<String> consumers, ExpectedSources expectedSources,
                           String secretDestination, String origin) {
    public CatalogEntry {
        Objects.requireNonNull(match, "match");
        if (match.isBlank()) {
            throw new IllegalArgumentException("match must not be blank");
        }
        consumers = List.copyOf(Objects.requireNonNull(consumers, "consumers"));
        Objects.requireNonNull(expectedSources, "expectedSources");
        Objects.requireNonNull(origin, "origin");
    }

    /** Whether {@link #match()} is a glob rather than an exact identity id. */
    public boolean isPattern() {
        return match.indexOf('*') >= 0 || match.indexOf('?') >= 0;
    }

    /** Whether the entry applies to identities of {@code platformId}. */
    public boolean appliesTo(String platformId) {
        return platform == null || platform.equals(platformId);
    }
}
