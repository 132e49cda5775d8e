package io.itdr.core.enrich;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator-maintained identity catalog: owner, criticality, lifecycle, consumers and expected
 * sources per identity or per pattern, laid over the connectors' inventory by the
 * {@link Enricher}. Immutable and thread-safe.
 *
 * <h2>Format</h2>
 * <pre>{@code
 * identities:
 *   - match: "arn:aws:iam::111122223333:role/payments-*"   # an identity id, or a glob (* and ?)
 *     platform: aws                 # optional: restricts the entry to one platform (connector id)
 *     owner: team-payments          # optional
 *     criticality: tier0            # optional: tier0..tier3 (tier0 = most critical)
 *     lifecycle: active             # optional: active|dormant|deprecated|decommissioned
 *     maturity: defined             # optional: initial|developing|defined|optimized
 *     consumers: [payments-api, payments-batch]   # optional: workloads/apps using the identity
 *     expected_sources:             # optional; every list is optional
 *       cidrs: [10.20.0.0/16, "2001:db8::/32"]   # IPv4/IPv6 blocks, no host bits after the prefix
 *       asns: [16509]                             # plain numbers 0..4294967295
 *       user_agents: ["aws-sdk-java"]             # prefixes, case-insensitive
 *       regions: [us-east-1]                      # cloud regions or ISO country codes
 *     secret_destination: "arn:aws:secretsmanager:us-east-1:111122223333:secret:payments-key"
 * }</pre>
 *
 * <p>Only {@code match} is required. An empty file, or {@code identities:} with no entries, is an
 * empty catalog. Unknown keys, values of the wrong type, unknown tiers/lifecycles/maturities,
 * invalid CIDR blocks, empty strings, duplicate keys and duplicate entries (same match and
 * platform) are refused at load with a {@link CatalogException} that lists every problem as
 * {@code file:line: field: reason}.
 *
 * <h2>Matching</h2>
 * {@code *} matches any run of characters (also none) and {@code ?} exactly one; there is no
 * escape. An entry applies to an identity when its platform is unset or equal to the identity's.
 * Of the entries that apply, an exact id beats every glob; among globs the one with the most
 * literal (non-wildcard) characters wins; remaining ties go to the entry written first. Ids are
 * compared case-sensitively, as the platforms issue them.
 */
public final class IdentityCatalog {
    private static final IdentityCatalog EMPTY = new IdentityCatalog("(empty)", List.of());

    private final String sourceName;
    private final List<CatalogEntry> entries;
    /** Exact ids → indexes of their entries in {@link #entries}, in file order (several when restricted to different platforms). */
    private final Map<String, int[]> exact;
    /** Globs by precedence: most literal characters first, then file order; first match wins. */
    private final CatalogEntry[] globs;
    private final IdentityPattern[] globPatterns;
    /** For each of {@link #globs}, its index in {@link #entries}. */
    private final int[] globIndexes;

    private IdentityCatalog(String sourceName, List<CatalogEntry> entries) {
        this.sourceName = sourceName;
        this.entries = List.copyOf(entries);
        Map<String, List<Integer>> byId = new HashMap<>();
        List<CatalogEntry> patterns = new ArrayList<>();
        List<Integer> patternIndexes = new ArrayList<>();
        for (int i = 0; i < this.entries.size(); i++) {
            CatalogEntry entry = this.entries.get(i);
            if (entry.isPattern()) {
                patterns.add(entry);
                patternIndexes.add(i);
            } else {
                byId.computeIfAbsent(entry.match(), k -> new ArrayList<>(1)).add(i);
            }
        }
        this.exact = new HashMap<>();
        byId.forEach((id, list) -> exact.put(id, list.stream().mapToInt(Integer::intValue).toArray()));
        List<IdentityPattern> compiled = new ArrayList<>(patterns.size());
        patterns.forEach(e -> compiled.add(new IdentityPattern(e.match())));
        // List.sort is stable, so ties keep file order
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> compiled.get(i).literalLength()).reversed());
        this.globs = new CatalogEntry[order.size()];
        this.globPatterns = new IdentityPattern[order.size()];
        this.globIndexes = new int[order.size()];
        for (int i = 0; i < order.size(); i++) {
            globs[i] = patterns.get(order.get(i));
            globPatterns[i] = compiled.get(order.get(i));
            globIndexes[i] = patternIndexes.get(order.get(i));
        }
    }

    /**
     * Reads a catalog file (UTF-8).
     *
     * @throws CatalogException when the file cannot be read or has problems; the message lists them all
     */
    public static IdentityCatalog load(Path file) {
        Objects.requireNonNull(file, "file");
        String yaml;
        try {
            yaml = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CatalogException(List.of(new CatalogException.Problem(file.toString(), 0, "(file)",
                    "cannot read the catalog: " + e)), e);
        }
        return parse(yaml, file.toString());
    }

    /**
     * Reads catalog YAML.
     *
     * @param sourceName the name problems are reported under (a file name); never null
     * @throws CatalogException when the YAML has problems; the message lists them all
     */
    public static IdentityCatalog parse(String yaml, String sourceName) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceName, "sourceName");
        return new IdentityCatalog(sourceName, CatalogReader.read(yaml, sourceName));
    }

    /** A catalog with entries built in code (tests, other front ends), matched by the same rules. */
    public static IdentityCatalog of(String sourceName, List<CatalogEntry> entries) {
        return new IdentityCatalog(Objects.requireNonNull(sourceName, "sourceName"),
                Objects.requireNonNull(entries, "entries"));
    }

    /** A catalog that describes nothing. */
    public static IdentityCatalog empty() {
        return EMPTY;
    }

    /**
     * The entry describing an identity, by the precedence in the class comment.
     *
     * @param platform   connector id; never null
     * @param identityId never null
     */
    public Optional<CatalogEntry> match(String platform, String identityId) {
        int index = matchIndex(platform, identityId);
        return index < 0 ? Optional.empty() : Optional.of(entries.get(index));
    }

    /**
     * {@link #match} as the index of the entry in {@link #entries()}, -1 for none: what the
     * {@link Enricher} keys what it derives from an entry by, without an {@code Optional} per lookup.
     */
    int matchIndex(String platform, String identityId) {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(identityId, "identityId");
        int[] candidates = exact.get(identityId);
        if (candidates != null) {
            for (int index : candidates) {
                if (entries.get(index).appliesTo(platform)) {
                    return index;
                }
            }
        }
        for (int i = 0; i < globs.length; i++) {
            if (globs[i].appliesTo(platform) && globPatterns[i].matches(identityId)) {
                return globIndexes[i];
            }
        }
        return -1;
    }

    public int size() {
        return entries.size();
    }

    /** All entries in file order. */
    public List<CatalogEntry> entries() {
        return entries;
    }

    /** The file or name the catalog was read from. */
    public String sourceName() {
        return sourceName;
    }
}
