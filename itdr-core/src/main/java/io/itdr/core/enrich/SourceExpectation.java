package io.itdr.core.enrich;

import io.itdr.core.model.ExpectedSources;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.Source;
import java.util.List;
import java.util.Objects;

/**
 * The catalog's {@link ExpectedSources} compiled for per-event checks: CIDR blocks parsed once,
 * no regular expressions. Immutable and thread-safe.
 *
 * <p>A source is judged on three dimensions, each only when the catalog states it and the event
 * carries the value: <b>network</b> (IP in one of the CIDR blocks, or ASN among the ASNs),
 * <b>user agent</b> (starts with one of the prefixes, ignoring case) and <b>region</b> (the geo
 * region or country equals one of the regions, ignoring case). The {@link Verdict} combines them.
 */
public final class SourceExpectation {

    /** How a source compares with the expected sources. */
    public enum Verdict {
        /** The catalog states no expected sources. */
        NOT_STATED,
        /** Stated, but the event carries none of the stated values, so nothing can be judged. */
        UNKNOWN,
        /** At least one dimension matches and none contradicts. */
        INSIDE,
        /** Some dimensions match, others do not (e.g. the right network with an unexpected agent). */
        PARTIAL,
        /** At least one dimension was judged and none matches. */
        OUTSIDE
    }

    public static final SourceExpectation NONE = new SourceExpectation(ExpectedSources.NONE);

    private final ExpectedSources sources;
    private final CidrBlock[] cidrs;
    private final long[] asns;
    private final String[] userAgents;
    private final String[] regions;

    private SourceExpectation(ExpectedSources sources) {
        this.sources = sources;
        List<String> cidrTexts = sources.cidrs();
        this.cidrs = new CidrBlock[cidrTexts.size()];
        for (int i = 0; i < cidrs.length; i++) {
            cidrs[i] = CidrBlock.parse(cidrTexts.get(i));
        }
        this.asns = sources.asns().stream().mapToLong(Long::longValue).toArray();
        this.userAgents = sources.userAgents().toArray(String[]::new);
        this.regions = sources.regions().toArray(String[]::new);
    }

    /**
     * Compiles expected sources.
     *
     * @throws IllegalArgumentException when a CIDR text is invalid (the catalog refuses those at load)
     */
    public static SourceExpectation of(ExpectedSources sources) {
        Objects.requireNonNull(sources, "sources");
        return sources.isStated() ? new SourceExpectation(sources) : NONE;
    }

    public ExpectedSources sources() {
        return sources;
    }

    /**
     * Judges a source.
     *
     * @param source never null
     * @param geo    where the source is (platform or resolver); may be null, then {@code source.geo()} is used
     */
    public Verdict check(Source source, Geo geo) {
        if (!sources.isStated()) {
            return Verdict.NOT_STATED;
        }
        int network = network(source);
        int agent = userAgent(source.userAgent());
        int region = region(geo != null ? geo : source.geo());
        int matched = (network > 0 ? 1 : 0) + (agent > 0 ? 1 : 0) + (region > 0 ? 1 : 0);
        int contradicted = (network < 0 ? 1 : 0) + (agent < 0 ? 1 : 0) + (region < 0 ? 1 : 0);
        if (matched == 0 && contradicted == 0) {
            return Verdict.UNKNOWN;
        }
        if (contradicted == 0) {
            return Verdict.INSIDE;
        }
        return matched == 0 ? Verdict.OUTSIDE : Verdict.PARTIAL;
    }

    // Each dimension: 1 = matches, -1 = contradicts, 0 = not stated or the event lacks the value.

    private int network(Source source) {
        if (cidrs.length == 0 && asns.length == 0) {
            return 0;
        }
        boolean judged = false;
        if (cidrs.length > 0) {
            IpAddress ip = IpAddress.tryParse(source.ip());
            if (ip != null) {
                judged = true;
                for (CidrBlock block : cidrs) {
                    if (block.contains(ip)) {
                        return 1;
                    }
                }
            }
        }
        if (asns.length > 0 && source.asn() != null) {
            judged = true;
            long asn = source.asn();
            for (long expected : asns) {
                if (expected == asn) {
                    return 1;
                }
            }
        }
        return judged ? -1 : 0;
    }

    private int userAgent(String agent) {
        if (userAgents.length == 0 || agent == null) {
            return 0;
        }
        for (String prefix : userAgents) {
            if (agent.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return 1;
            }
        }
        return -1;
    }

    private int region(Geo geo) {
        if (regions.length == 0 || geo == null || (geo.region() == null && geo.country() == null)) {
            return 0;
        }
        for (String expected : regions) {
            if (expected.equalsIgnoreCase(geo.region()) || expected.equalsIgnoreCase(geo.country())) {
                return 1;
            }
        }
        return -1;
    }
}
