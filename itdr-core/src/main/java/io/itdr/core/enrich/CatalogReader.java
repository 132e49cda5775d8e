package io.itdr.core.enrich;

import io.itdr.core.model.Criticality;
import io.itdr.core.model.ExpectedSources;
import io.itdr.core.model.Lifecycle;
import io.itdr.core.model.Maturity;
import io.itdr.core.yaml.YamlProblem;
import io.itdr.core.yaml.YamlReader;
import io.itdr.core.yaml.YamlReader.Fields;
import io.itdr.core.yaml.YamlReader.Kind;
import io.itdr.core.yaml.YamlSyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Validates catalog YAML into {@link CatalogEntry}s, collecting every problem with its line
 * before refusing the file. Not thread-safe; one instance reads one file.
 */
final class CatalogReader {
    /**
     * Largest catalog read, in code points: 64 Mi, about 400,000 explicit entries (SnakeYAML's
     * default of 3 Mi stopped at about 19,000). Estates larger than that list patterns, not every
     * identity.
     */
    static final int MAX_CODE_POINTS = 64 * 1024 * 1024;

    private static final List<String> ROOT_KEYS = List.of("identities");
    private static final List<String> ENTRY_KEYS = List.of("match", "platform", "owner", "criticality", "lifecycle",
            "maturity", "consumers", "expected_sources", "secret_destination");
    private static final List<String> SOURCE_KEYS = List.of("cidrs", "asns", "user_agents", "regions");
    private static final long MAX_ASN = 4_294_967_295L;

    private final String sourceName;
    private final YamlReader yaml = new YamlReader();

    private CatalogReader(String sourceName) {
        this.sourceName = sourceName;
    }

    /** The entries in file order; throws {@link CatalogException} listing every problem. */
    static List<CatalogEntry> read(String text, String sourceName) {
        CatalogReader reader = new CatalogReader(sourceName);
        Node root = reader.compose(text);
        List<CatalogEntry> entries = reader.root(root); // also after duplicate keys: report everything at once
        if (!reader.yaml.problems().isEmpty()) {
            throw new CatalogException(reader.yaml.problems().stream()
                    .sorted(Comparator.comparingInt(YamlProblem::line))
                    .map(p -> new CatalogException.Problem(sourceName, p.line(), p.path(), p.reason()))
                    .toList());
        }
        return entries;
    }

    /** The root node, or null for an empty file or a syntax error (reported); key problems anywhere are reported. */
    private Node compose(String text) {
        YamlReader.Document document;
        try {
            LoaderOptions limits = new LoaderOptions(); // SnakeYAML's alias bound (50) stays
            limits.setCodePointLimit(MAX_CODE_POINTS);
            document = YamlReader.compose(text, limits);
        } catch (YamlSyntaxException e) {
            // placed after the last well-formed piece (an unterminated quote: where it opens), not where the parser gave up
            String message = e.getMessage();
            int newline = message.indexOf('\n');
            yaml.problem(e.lastRead() == null ? 0 : YamlReader.line(e.lastRead()), 0, "(syntax)",
                    "not valid YAML: " + (newline < 0 ? message : message.substring(0, newline)).trim());
            return null;
        }
        if (document.root() != null) {
            for (YamlReader.KeyProblem key : YamlReader.keyProblems(document.root())) {
                yaml.problem(key.key(), key.path().isEmpty() ? "(root)" : key.path(), key.first() == null
                        ? "keys must be plain names, got " + describe(key.key())
                        : "duplicate key; first at line " + YamlReader.line(key.first()));
            }
        }
        if (document.nextContent() != null) {
            yaml.problem(document.nextContent(), "(document)", "only one YAML document is allowed");
        }
        return document.root();
    }

    private List<CatalogEntry> root(Node root) {
        if (root == null || isNull(root)) {
            return List.of(); // an empty catalog file: nothing described yet
        }
        if (!(root instanceof MappingNode mapping)) {
            yaml.problem(root, "(root)", "expected a mapping with the key 'identities', got " + describe(root));
            return List.of();
        }
        Fields fields = yaml.entries(mapping, "");
        for (String key : fields.keys()) {
            if (!ROOT_KEYS.contains(key)) {
                yaml.problem(fields.keyNode(key), key, "unknown key; expected identities");
            }
        }
        Node identities = fields.get("identities");
        if (identities == null || isAbsent(identities)) {
            return List.of();
        }
        if (!(identities instanceof SequenceNode list)) {
            yaml.problem(fields.keyNode("identities"), "identities", "expected a list of entries, got " + describe(identities));
            return List.of();
        }
        List<CatalogEntry> entries = new ArrayList<>();
        Map<String, Integer> firstLineOfMatch = new HashMap<>();
        List<Node> items = list.getValue();
        for (int i = 0; i < items.size(); i++) {
            String path = YamlReader.element("identities", i);
            CatalogEntry entry = entry(items.get(i), path);
            if (entry == null) {
                continue;
            }
            String duplicateKey = (entry.platform() == null ? "" : entry.platform()) + "\n" + entry.match();
            Integer first = firstLineOfMatch.putIfAbsent(duplicateKey, YamlReader.line(items.get(i)));
            if (first != null) {
                yaml.problem(items.get(i), path + ".match",
                        "duplicate entry for '" + entry.match() + "'" + (entry.platform() == null ? "" : " on " + entry.platform())
                                + "; first at line " + first);
            } else {
                entries.add(entry);
            }
        }
        return entries;
    }

    /** One entry, or null when it has problems (already reported). */
    private CatalogEntry entry(Node node, String path) {
        if (!(node instanceof MappingNode mapping)) {
            yaml.problem(node, path, "expected a mapping with at least 'match', got " + describe(node));
            return null;
        }
        Fields m = yaml.entries(mapping, path);
        int before = yaml.problems().size();
        unknownKeys(m, ENTRY_KEYS);
        String match = string(m, "match");
        if (match == null && m.get("match") == null) {
            yaml.problem(mapping, m.path("match"), "required: an identity id or a glob with * and ?");
        } else if (match == null && isNull(m.get("match"))) {
            yaml.problem(m.keyNode("match"), m.path("match"), "must not be empty");
        }
        String platform = string(m, "platform");
        String owner = string(m, "owner");
        Criticality criticality = named(m, "criticality", Criticality::fromName);
        Lifecycle lifecycle = named(m, "lifecycle", Lifecycle::fromName);
        Maturity maturity = named(m, "maturity", Maturity::fromName);
        List<String> consumers = strings(m, "consumers");
        ExpectedSources expected = expectedSources(m);
        String secretDestination = string(m, "secret_destination");
        if (yaml.problems().size() > before || match == null) {
            return null;
        }
        return new CatalogEntry(match, platform, owner, criticality, lifecycle, maturity, consumers, expected,
                secretDestination, sourceName + ":" + YamlReader.line(mapping));
    }

    private ExpectedSources expectedSources(Fields entry) {
        Node value = entry.get("expected_sources");
        if (value == null || isAbsent(value)) {
            return ExpectedSources.NONE;
        }
        if (!(value instanceof MappingNode mapping)) {
            yaml.problem(entry.keyNode("expected_sources"), entry.path("expected_sources"), "expected a mapping of "
                    + String.join(", ", SOURCE_KEYS) + ", got " + describe(value));
            return ExpectedSources.NONE;
        }
        Fields m = yaml.entries(mapping, entry.path("expected_sources"));
        unknownKeys(m, SOURCE_KEYS);
        List<String> cidrs = strings(m, "cidrs");
        for (int i = 0; i < cidrs.size(); i++) {
            if (cidrs.get(i).isEmpty()) {
                continue; // not a string: already reported
            }
            try {
                CidrBlock.parse(cidrs.get(i));
            } catch (IllegalArgumentException e) {
                yaml.problem(((SequenceNode) m.get("cidrs")).getValue().get(i), YamlReader.element(m.path("cidrs"), i), e.getMessage());
            }
        }
        List<Long> asns = asns(m);
        List<String> agents = strings(m, "user_agents");
        List<String> regions = strings(m, "regions");
        return new ExpectedSources(cidrs, asns, agents, regions);
    }

    private List<Long> asns(Fields m) {
        SequenceNode items = listField(m, "asns");
        if (items == null) {
            return List.of();
        }
        List<Long> asns = new ArrayList<>(items.getValue().size());
        for (int i = 0; i < items.getValue().size(); i++) {
            Node item = items.getValue().get(i);
            Long asn = null;
            if (YamlReader.kind(item) == Kind.NUMBER) { // a quoted "16509" is text, refused
                try {
                    asn = Long.parseLong(((ScalarNode) item).getValue());
                } catch (NumberFormatException e) {
                    asn = null; // 1.5, 0x1F, 1_000: not written as a plain AS number
                }
            }
            if (asn == null || asn < 0 || asn > MAX_ASN) {
                yaml.problem(item, YamlReader.element(m.path("asns"), i), "expected an AS number 0.." + MAX_ASN
                        + " (as a plain number, e.g. 16509), got "
                        + (item instanceof ScalarNode scalar && !isNull(item) ? "'" + scalar.getValue() + "'" : describe(item)));
            } else {
                asns.add(asn);
            }
        }
        return asns;
    }

    private void unknownKeys(Fields m, List<String> allowed) {
        for (String key : m.keys()) {
            if (!allowed.contains(key)) {
                yaml.problem(m.keyNode(key), m.path(key), "unknown key; expected one of " + String.join(", ", allowed));
            }
        }
    }

    /** A non-blank string, or null when absent, YAML null or wrong (reported). */
    private String string(Fields m, String key) {
        Node value = m.get(key);
        if (value == null || isNull(value)) {
            return null;
        }
        return stringValue(value, m.path(key));
    }

    private String stringValue(Node node, String path) {
        if (YamlReader.kind(node) != Kind.TEXT) {
            yaml.problem(node, path, "expected a string, got " + describe(node)
                    + (node instanceof ScalarNode ? " (quote it if it is meant as text)" : ""));
            return null;
        }
        String text = ((ScalarNode) node).getValue();
        if (text.isBlank()) {
            yaml.problem(node, path, "must not be empty");
            return null;
        }
        return text;
    }

    private <T> T named(Fields m, String key, Function<String, T> byName) {
        String text = string(m, key);
        if (text == null) {
            return null;
        }
        try {
            return byName.apply(text);
        } catch (IllegalArgumentException e) {
            yaml.problem(m.get(key), m.path(key), e.getMessage());
            return null;
        }
    }

    /** A list of non-blank strings; empty when absent; bad items are reported and left out. */
    private List<String> strings(Fields m, String key) {
        SequenceNode items = listField(m, key);
        if (items == null) {
            return List.of();
        }
        List<String> values = new ArrayList<>(items.getValue().size());
        for (int i = 0; i < items.getValue().size(); i++) {
            String value = stringValue(items.getValue().get(i), YamlReader.element(m.path(key), i));
            values.add(value == null ? "" : value); // keep indexes aligned with items for later checks
        }
        return values;
    }

    private SequenceNode listField(Fields m, String key) {
        Node value = m.get(key);
        if (value == null || isAbsent(value)) {
            return null;
        }
        if (!(value instanceof SequenceNode list)) {
            yaml.problem(value, m.path(key), "expected a list, got " + describe(value) + " (write [value] for a single value)");
            return null;
        }
        return list;
    }

    private static String describe(Node node) {
        return YamlReader.kind(node).description();
    }

    private static boolean isNull(Node node) {
        return YamlReader.kind(node) == Kind.NULL;
    }

    /**
     * Null, or the empty text YAML gives a key written with no value ("consumers:"): for a list or
     * mapping field that means "not stated", while an empty string field is reported.
     */
    private static boolean isAbsent(Node node) {
        return isNull(node) || (YamlReader.kind(node) == Kind.TEXT && ((ScalarNode) node).getValue().isEmpty());
    }
}
