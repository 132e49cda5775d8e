package io.itdr.core.rules.sigma;

import io.itdr.core.enrich.CidrBlock;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Compiles one search identifier of a rule's {@code detection}: a map of field conditions (all
 * must hold), a list of such maps (any), or a list of keywords (any). Field modifiers
 * implemented: {@code contains startswith endswith all re (with i m s) cidr exists fieldref
 * base64 base64offset wide utf16le utf16be utf16 windash cased gt gte lt lte}; any other
 * modifier refuses the rule.
 */
final class SearchCompiler {
    private static final Set<String> POSITIONS = Set.of("contains", "startswith", "endswith");
    private static final Set<String> COMPARISONS = Set.of("gt", "gte", "lt", "lte");
    private static final Set<String> ENCODINGS = Set.of("wide", "utf16le", "utf16be", "utf16");

    private SearchCompiler() {
    }

    static Search compile(Node node) {
        if (node instanceof MappingNode map) {
            return map(map);
        }
        if (node instanceof SequenceNode list) {
            if (list.getValue().isEmpty()) {
                throw new RefusedConstruct(node, "an empty list matches nothing; remove the search or give it values");
            }
            boolean maps = list.getValue().get(0) instanceof MappingNode;
            List<Search> any = new ArrayList<>();
            for (Node element : list.getValue()) {
                if (maps != element instanceof MappingNode) {
                    throw new RefusedConstruct(element, "a search list mixes maps and keywords");
                }
                if (maps) {
                    any.add(map((MappingNode) element));
                } else if (element instanceof ScalarNode scalar && !isNull(scalar)) {
                    any.add(keyword(scalar));
                } else {
                    throw new RefusedConstruct(element, "a keyword must be a string, found " + kind(element));
                }
            }
            return record -> {
                for (Search s : any) {
                    if (s.matches(record)) {
                        return true;
                    }
                }
                return false;
            };
        }
        if (node instanceof ScalarNode scalar && !isNull(scalar)) {
            return keyword(scalar);
        }
        throw new RefusedConstruct(node, "a search must be a map of fields, a list of maps or a list of keywords, found " + kind(node));
    }

    /**
     * A keyword: found in any text value of the record (a full-text search, as SIEM backends run
     * Sigma keywords), case-insensitive; wildcards as in values.
     */
    private static Search keyword(ScalarNode scalar) {
        String tokens = ValuePattern.tokens(scalar.getValue());
        ValuePattern p = ValuePattern.compile(ValuePattern.WILD_ANY + tokens + ValuePattern.WILD_ANY, false);
        return record -> {
            for (String t : record.texts()) {
                if (p.matches(t)) {
                    return true;
                }
            }
            return false;
        };
    }

    private static Search map(MappingNode map) {
        if (map.getValue().isEmpty()) {
            throw new RefusedConstruct(map, "an empty map matches everything; give it field conditions");
        }
        List<Search> all = new ArrayList<>();
        for (NodeTuple t : map.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode key)) {
                throw new RefusedConstruct(t.getKeyNode(), "a field name must be a string");
            }
            all.add(field(key, t.getValueNode()));
        }
        return record -> {
            for (Search s : all) {
                if (!s.matches(record)) {
                    return false;
                }
            }
            return true;
        };
    }

    /** {@code field|mod|mod: value or list}. */
    private static Search field(ScalarNode key, Node valueNode) {
        String[] parts = key.getValue().split("\\|", -1);
        String field = parts[0];
        if (field.isEmpty()) {
            throw new RefusedConstruct(key, "a keyword with modifiers ('" + key.getValue() + "') is not supported; name a field");
        }
        String position = null;
        String comparison = null;
        boolean all = false;
        boolean cased = false;
        boolean re = false;
        boolean cidr = false;
        boolean exists = false;
        boolean fieldref = false;
        String encoding = null;
        String base64 = null;
        boolean windash = false;
        int reFlags = 0;
        for (int i = 1; i < parts.length; i++) {
            String m = parts[i].toLowerCase(Locale.ROOT);
            if (POSITIONS.contains(m)) {
                if (position != null) {
                    throw new RefusedConstruct(key, "modifiers '" + position + "' and '" + m + "' together");
                }
                position = m;
            } else if (COMPARISONS.contains(m)) {
                comparison = m;
            } else if (ENCODINGS.contains(m)) {
                encoding = m;
            } else {
                switch (m) {
                    case "all" -> all = true;
                    case "cased" -> cased = true;
                    case "re" -> re = true;
                    case "i" -> reFlags |= Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
                    case "m" -> reFlags |= Pattern.MULTILINE;
                    case "s" -> reFlags |= Pattern.DOTALL;
                    case "cidr" -> cidr = true;
                    case "exists" -> exists = true;
                    case "fieldref" -> fieldref = true;
                    case "base64", "base64offset" -> base64 = m;
                    case "windash" -> windash = true;
                    default -> throw new RefusedConstruct(key, "field modifier '" + parts[i] + "' is not supported"
                            + (m.equals("expand") ? " (placeholders need a placeholder mapping this engine does not have)" : ""));
                }
            }
        }
        if (reFlags != 0 && !re) {
            throw new RefusedConstruct(key, "regular-expression flags i, m, s need the 're' modifier");
        }
        if (encoding != null && base64 == null) {
            throw new RefusedConstruct(key, "modifier '" + encoding + "' only makes sense before base64 or base64offset");
        }
        List<Node> values = valueNode instanceof SequenceNode seq ? seq.getValue() : List.of(valueNode);
        if (values.isEmpty()) {
            throw new RefusedConstruct(valueNode, "field " + field + " has an empty list of values");
        }
        List<ValueTest> tests = new ArrayList<>();
        for (Node v : values) {
            if (!(v instanceof ScalarNode scalar)) {
                throw new RefusedConstruct(v, "the value of " + field + " must be a string, number, boolean or null, found " + kind(v));
            }
            String text = scalar.getValue();
            if (exists) {
                if (scalar.getTag() != Tag.BOOL && !text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                    throw new RefusedConstruct(v, "'exists' takes true or false, found '" + text + "'");
                }
                tests.add(ValueTest.exists(Boolean.parseBoolean(text.toLowerCase(Locale.ROOT))));
            } else if (isNull(scalar)) {
                if (re || cidr || fieldref || comparison != null || position != null || base64 != null) {
                    throw new RefusedConstruct(v, "null cannot be combined with modifiers of " + key.getValue());
                }
                tests.add(ValueTest.isNull());
            } else if (re) {
                try {
                    tests.add(ValueTest.regex(Pattern.compile(text, reFlags)));
                } catch (PatternSyntaxException e) {
                    throw new RefusedConstruct(v, "not a regular expression: " + e.getDescription());
                }
            } else if (cidr) {
                try {
                    tests.add(ValueTest.cidr(CidrBlock.parse(text)));
                } catch (IllegalArgumentException e) {
                    throw new RefusedConstruct(v, "not a CIDR block: '" + text + "'");
                }
            } else if (comparison != null) {
                try {
                    tests.add(ValueTest.compare(comparison, Double.parseDouble(text)));
                } catch (NumberFormatException e) {
                    throw new RefusedConstruct(v, "'" + comparison + "' takes a number, found '" + text + "'");
                }
            } else if (fieldref) {
                tests.add(ValueTest.fieldRef(text, position == null ? "equals" : position, cased));
            } else {
                tests.add(ValueTest.text(patterns(text, position, base64, encoding, windash, cased)));
            }
        }
        boolean every = all;
        String name = field;
        return record -> {
            var found = record.values(name);
            if (every) {
                for (ValueTest t : tests) {
                    if (!t.test(found, record)) {
                        return false;
                    }
                }
                return true;
            }
            for (ValueTest t : tests) {
                if (t.test(found, record)) {
                    return true;
                }
            }
            return false;
        };
    }

    /** The patterns of one string value after its transformations (windash variants, base64 forms) and position. */
    private static List<ValuePattern> patterns(String value, String position, String base64, String encoding, boolean windash,
                                               boolean cased) {
        Set<String> variants = new LinkedHashSet<>();
        if (windash) {
            variants.addAll(windash(value));
        } else {
            variants.add(value);
        }
        List<ValuePattern> patterns = new ArrayList<>();
        for (String v : variants) {
            List<String> tokenForms = new ArrayList<>();
            if (base64 != null) {
                // encoded forms are literal text: wildcards cannot survive encoding
                byte[] bytes = v.getBytes(charset(encoding));
                if (base64.equals("base64")) {
                    tokenForms.add(Base64.getEncoder().encodeToString(bytes));
                } else {
                    tokenForms.addAll(base64Offsets(bytes));
                }
                // base64 is case-sensitive by nature
                cased = true;
                tokenForms.replaceAll(f -> f.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?"));
                tokenForms.replaceAll(ValuePattern::tokens);
            } else {
                tokenForms.add(ValuePattern.tokens(v));
            }
            for (String t : tokenForms) {
                String any = String.valueOf(ValuePattern.WILD_ANY);
                String p = position == null ? t
                        : switch (position) {
                            case "contains" -> any + t + any;
                            case "startswith" -> t + any;
                            default -> any + t;
                        };
                patterns.add(ValuePattern.compile(p, cased));
            }
        }
        return patterns;
    }

    private static Charset charset(String encoding) {
        if (encoding == null) {
            return StandardCharsets.UTF_8;
        }
        return encoding.equals("utf16be") ? StandardCharsets.UTF_16BE
                : encoding.equals("utf16") ? StandardCharsets.UTF_16 : StandardCharsets.UTF_16LE;
    }

    /**
     * The three base64 forms of {@code bytes} at offsets 0, 1 and 2 within a larger encoded text,
     * trimmed to the characters that do not depend on the neighbours (Sigma's base64offset).
     */
    static List<String> base64Offsets(byte[] bytes) {
        int[] start = {0, 2, 3};
        int[] end = {0, -3, -2}; // 0: to the end
        List<String> out = new ArrayList<>(3);
        for (int i = 0; i < 3; i++) {
            byte[] shifted = new byte[bytes.length + i];
            for (int k = 0; k < i; k++) {
                shifted[k] = ' ';
            }
            System.arraycopy(bytes, 0, shifted, i, bytes.length);
            String enc = Base64.getEncoder().encodeToString(shifted);
            int e = end[(bytes.length + i) % 3];
            int to = e == 0 ? enc.length() : enc.length() + e;
            out.add(start[i] <= to ? enc.substring(start[i], to) : "");
        }
        return out;
    }

    /** Each {@code -} or {@code /} that starts a word replaced by every Windows flag dash. */
    static List<String> windash(String value) {
        List<String> out = new ArrayList<>();
        out.add("");
        String[] dashes = {"-", "/", "\u2013", "\u2014", "\u2015"};
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean flag = (c == '-' || c == '/') && (i == 0 || Character.isWhitespace(value.charAt(i - 1)));
            List<String> next = new ArrayList<>();
            for (String prefix : out) {
                if (flag) {
                    for (String d : dashes) {
                        next.add(prefix + d);
                    }
                } else {
                    next.add(prefix + c);
                }
            }
            out = next;
            if (out.size() > 625) {
                throw new RefusedConstruct(0, "windash value '" + value + "' has too many flags (more than 4)");
            }
        }
        return out;
    }

    static boolean isNull(ScalarNode scalar) {
        return scalar.getTag() == Tag.NULL;
    }

    static String kind(Node node) {
        return node instanceof MappingNode ? "a map" : node instanceof SequenceNode ? "a list"
                : node instanceof ScalarNode s && isNull(s) ? "null" : "a scalar";
    }
}
