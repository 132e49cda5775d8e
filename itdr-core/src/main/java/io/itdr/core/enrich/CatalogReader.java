package io.itdr.core.enrich;

import com.fasterxml.jackson.core.JsonToken;
import io.itdr.core.enrich.YamlNode.Field;
import io.itdr.core.enrich.YamlNode.Mapping;
import io.itdr.core.enrich.YamlNode.Scalar;
import io.itdr.core.enrich.YamlNode.Sequence;
import io.itdr.core.model.Criticality;
import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.Lifecycle;
import io.itdr.core.model.Maturity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Validates catalog YAML into {@link CatalogEntry}s, collecting every problem with its line
 * before refusing the file. Not thread-safe; one instance reads one file.
 */
final class CatalogReader {
    private static final Set<String> ROOT_KEYS = Set.of("identities");
    private static final List<String> ENTRY_KEYS = List.of("match", "platform", "owner", "criticality", "lifecycle",
            "maturity", "consumers", "expected_sources", "secret_destination");
    private static final List<String> SOURCE_KEYS = List.of("cidrs", "asns", "user_agents", "regions");
    private static final long MAX_ASN = 4_294_967_295L;

    private final String sourceName;
    private final List<CatalogException.Problem> problems = new ArrayList<>();

    private CatalogReader(String sourceName) {
        this.sourceName = sourceName;
    }

    /** The entries in file order; throws {@link CatalogException} listing every problem. */
    static List<CatalogEntry> read(String yaml, String sourceName) {
        CatalogReader reader = new CatalogReader(sourceName);
        YamlNode root = YamlNode.read(yaml, reader::problem);
        List<CatalogEntry> entries = reader.root(root); // also after duplicate keys: report everything at once
        if (!reader.problems.isEmpty()) {
            reader.problems.sort((a, b) -> Integer.compare(a.line(), b.line()));
            throw new CatalogException(reader.problems);
        }
        return entries;
    }

    private void problem(int line, String field, String reason) {
        problems.add(new CatalogException.Problem(sourceName, line, field, reason));
    }

    private List<CatalogEntry> root(YamlNode root) {
        if (root == null || (root instanceof Scalar && ((Scalar) root).isNull())) {
            return List.of(); // an empty catalog file: nothing described yet
        }
        if (!(root instanceof Mapping)) {
            problem(root.line(), "(root)", "expected a mapping with the key 'identities', got " + root.describe());
            return List.of();
        }
        Mapping mapping = (Mapping) root;
        for (Field field : mapping.fields().values()) {
            if (!ROOT_KEYS.contains(field.key())) {
                problem(field.line(), field.key(), "unknown key; expected identities");
            }
        }
        Field identities = mapping.fields().get("identities");
        if (identities == null || isAbsent(identities.value())) {
            return List.of();
        }
        if (!(identities.value() instanceof Sequence)) {
            problem(identities.line(), "identities", "expected a list of entries, got " + identities.value().describe());
            return List.of();
        }
        List<CatalogEntry> entries = new ArrayList<>();
        Map<String, Integer> firstLineOfMatch = new HashMap<>();
        List<YamlNode> items = ((Sequence) identities.value()).items();
        for (int i = 0; i < items.size(); i++) {
            CatalogEntry entry = entry(items.get(i), "identities[" + i + "]");
            if (entry == null) {
                continue;
            }
            String duplicateKey = (entry.platform() == null ? "" : entry.platform()) + "\n" + entry.match();
            Integer first = firstLineOfMatch.putIfAbsent(duplicateKey, items.get(i).line());
            if (first != null) {
                problem(items.get(i).line(), "identities[" + i + "].match",
                        "duplicate entry for '" + entry.match() + "'" + (entry.platform() == null ? "" : " on " + entry.platform())
                                + "; first at line " + first);
            } else {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** One entry, or null when it has problems (already reported). */
    private CatalogEntry entry(YamlNode node, String path) {
        if (!(node instanceof Mapping)) {
            problem(node.line(), path, "expected a mapping with at least 'match', got " + node.describe());
            return null;
        }
        Mapping m = (Mapping) node;
        int before = problems.size();
        unknownKeys(m, path, ENTRY_KEYS);
        String match = string(m, "match", path);
        if (match == null && !m.fields().containsKey("match")) {
            problem(m.line(), path + ".match", "required: an identity id or a glob with * and ?");
        } else if (match == null && isNull(m.fields().get("match").value())) {
            problem(m.fields().get("match").line(), path + ".match", "must not be empty");
        }
        String platform = string(m, "platform", path);
        String owner = string(m, "owner", path);
        Criticality criticality = named(m, "criticality", path, Criticality::fromName);
        Lifecycle lifecycle = named(m, "lifecycle", path, Lifecycle::fromName);
        Maturity maturity = named(m, "maturity", path, Maturity::fromName);
        List<String> consumers = strings(m, "consumers", path);
        ExpectedSources expected = expectedSources(m, path);
        String secretDestination = string(m, "secret_destination", path);
        if (problems.size() > before || match == null) {
            return null;
        }
        return new CatalogEntry(match, platform, owner, criticality, lifecycle, maturity, consumers, expected,
                secretDestination, sourceName + ":" + m.line());
    }

    private ExpectedSources expectedSources(Mapping entry, String path) {
        Field field = entry.fields().get("expected_sources");
        if (field == null || isAbsent(field.value())) {
            return ExpectedSources.NONE;
        }
        String sourcesPath = path + ".expected_sources";
        if (!(field.value() instanceof Mapping)) {
            problem(field.line(), sourcesPath, "expected a mapping of " + String.join(", ", SOURCE_KEYS)
                    + ", got " + field.value().describe());
            return ExpectedSources.NONE;
        }
        Mapping m = (Mapping) field.value();
        unknownKeys(m, sourcesPath, SOURCE_KEYS);
        List<String> cidrs = strings(m, "cidrs", sourcesPath);
        Sequence cidrItems = sequence(m, "cidrs");
        for (int i = 0; i < cidrs.size() && cidrItems != null; i++) {
            if (cidrs.get(i).isEmpty()) {
                continue; // not a string: already reported
            }
            try {
                CidrBlock.parse(cidrs.get(i));
            } catch (IllegalArgumentException e) {
                problem(cidrItems.items().get(i).line(), sourcesPath + ".cidrs[" + i + "]", e.getMessage());
            }
        }
        List<Long> asns = asns(m, sourcesPath);
        List<String> agents = strings(m, "user_agents", sourcesPath);
        List<String> regions = strings(m, "regions", sourcesPath);
        return new ExpectedSources(cidrs, asns, agents, regions);
    }

    private List<Long> asns(Mapping m, String path) {
        Sequence items = listField(m, "asns", path);
        if (items == null) {
            return List.of();
        }
        List<Long> asns = new ArrayList<>(items.items().size());
        for (int i = 0; i < items.items().size(); i++) {
            YamlNode item = items.items().get(i);
            String itemPath = path + ".asns[" + i + "]";
            Long asn = null;
            if (item instanceof Scalar && ((Scalar) item).token() == JsonToken.VALUE_NUMBER_INT) {
                try {
                    asn = Long.parseLong(((Scalar) item).text());
                } catch (NumberFormatException e) {
                    asn = null;
                }
            }
            if (asn == null || asn < 0 || asn > MAX_ASN) {
                problem(item.line(), itemPath, "expected an AS number 0.." + MAX_ASN + " (as a plain number, e.g. 16509), got "
                        + (item instanceof Scalar && ((Scalar) item).text() != null ? "'" + ((Scalar) item).text() + "'" : item.describe()));
            } else {
                asns.add(asn);
            }
        }
        return asns;
    }

    private void unknownKeys(Mapping m, String path, List<String> allowed) {
        for (Field field : m.fields().values()) {
            if (!allowed.contains(field.key())) {
                problem(field.line(), path + "." + field.key(), "unknown key; expected one of " + String.join(", ", allowed));
            }
        }
    }

    /** A non-blank string, or null when absent, YAML null or wrong (reported). */
    private String string(Mapping m, String key, String path) {
        Field field = m.fields().get(key);
        if (field == null || isNull(field.value())) {
            return null;
        }
        return stringValue(field.value(), path + "." + key);
    }

    private String stringValue(YamlNode node, String path) {
        if (!(node instanceof Scalar) || !((Scalar) node).isString()) {
            problem(node.line(), path, "expected a string, got " + node.describe()
                    + (node instanceof Scalar ? " (quote it if it is meant as text)" : ""));
            return null;
        }
        String text = ((Scalar) node).text();
        if (text.isBlank()) {
            problem(node.line(), path, "must not be empty");
            return null;
        }
        return text;
    }

    private <T> T named(Mapping m, String key, String path, Function<String, T> byName) {
        String text = string(m, key, path);
        if (text == null) {
            return null;
        }
        try {
            return byName.apply(text);
        } catch (IllegalArgumentException e) {
            problem(m.fields().get(key).value().line(), path + "." + key, e.getMessage());
            return null;
        }
    }

    /** A list of non-blank strings; empty when absent; bad items are reported and left out. */
    private List<String> strings(Mapping m, String key, String path) {
        Sequence items = listField(m, key, path);
        if (items == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>(items.items().size());
        for (int i = 0; i < items.items().size(); i++) {
            String value = stringValue(items.items().get(i), path + "." + key + "[" + i + "]");
            values.add(value == null ? "" : value); // keep indexes aligned with items for later checks
        }
        return values;
    }

    private Sequence listField(Mapping m, String key, String path) {
        Field field = m.fields().get(key);
        if (field == null || isAbsent(field.value())) {
            return null;
        }
        if (!(field.value() instanceof Sequence)) {
            problem(field.value().line(), path + "." + key, "expected a list, got " + field.value().describe()
                    + " (write [value] for a single value)");
            return null;
        }
        return (Sequence) field.value();
    }

    private static Sequence sequence(Mapping m, String key) {
        Field field = m.fields().get(key);
        return field != null && field.value() instanceof Sequence ? (Sequence) field.value() : null;
    }

    private static boolean isNull(YamlNode node) {
        return node instanceof Scalar && ((Scalar) node).isNull();
    }

    /**
     * Null, or the empty text YAML gives a key written with no value ("consumers:"): for a list or
     * mapping field that means "not stated", while an empty string field is reported.
     */
    private static boolean isAbsent(YamlNode node) {
        return isNull(node) || (node instanceof Scalar && ((Scalar) node).isString() && ((Scalar) node).text().isEmpty());
    }
}
