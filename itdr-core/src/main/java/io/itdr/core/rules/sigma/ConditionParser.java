package io.itdr.core.rules.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a Sigma condition over the rule's search identifiers: {@code and}, {@code or}, {@code
 * not}, parentheses, {@code 1 of x*}, {@code all of x*}, {@code 1 of them}, {@code all of them}
 * (identifiers starting with {@code _} are not part of {@code them}), wildcards {@code *} and
 * {@code ?} in identifier patterns. Precedence: not, then and, then or. Legacy aggregations
 * ({@code | count() by x > 5}) and {@code near} are refused: they need state across events, which
 * correlation rules express and this engine does not implement yet. Not thread-safe.
 */
final class ConditionParser {
    private static final Pattern TOKEN = Pattern.compile("\\s*(\\(|\\)|\\||[^\\s()|]+)");

    private final String text;
    private final Map<String, Search> searches;
    private final int line;
    private final List<String> tokens = new ArrayList<>();
    private int pos;

    private ConditionParser(String text, Map<String, Search> searches, int line) {
        this.text = text;
        this.searches = searches;
        this.line = line;
    }

    /**
     * @param searches the rule's search identifiers, in file order
     * @param line     where the condition is, for refusals
     */
    static Search parse(String text, Map<String, Search> searches, int line) {
        return new ConditionParser(text, searches, line).parse();
    }

    private Search parse() {
        Matcher m = TOKEN.matcher(text);
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at) {
            tokens.add(m.group(1));
            at = m.end();
        }
        if (!text.substring(at).isBlank()) {
            throw refuse("cannot read '" + text.substring(at).trim() + "'");
        }
        if (tokens.isEmpty()) {
            throw refuse("the condition is empty");
        }
        if (tokens.contains("|")) {
            throw refuse("aggregation ('| count() ...', Sigma 1) is not supported: it needs state across events;"
                    + " a correlation rule would express it, and correlation rules are not supported yet");
        }
        Search s = or();
        if (pos < tokens.size()) {
            throw refuse("unexpected '" + tokens.get(pos) + "'");
        }
        return s;
    }

    private Search or() {
        Search left = and();
        while (peek("or")) {
            pos++;
            Search a = left;
            Search b = and();
            left = r -> a.matches(r) || b.matches(r);
        }
        return left;
    }

    private Search and() {
        Search left = not();
        while (peek("and")) {
            pos++;
            Search a = left;
            Search b = not();
            left = r -> a.matches(r) && b.matches(r);
        }
        return left;
    }

    private Search not() {
        if (peek("not")) {
            pos++;
            Search inner = not();
            return r -> !inner.matches(r);
        }
        return primary();
    }

    private Search primary() {
        if (pos >= tokens.size()) {
            throw refuse("the condition ends too early");
        }
        String t = tokens.get(pos++);
        if (t.equals("(")) {
            Search inner = or();
            if (!peek(")")) {
                throw refuse("a '(' is not closed");
            }
            pos++;
            return inner;
        }
        if (t.equals("1") || t.equalsIgnoreCase("any") || t.equalsIgnoreCase("all")) {
            if (!peek("of")) {
                throw refuse("'" + t + "' must be followed by 'of'");
            }
            pos++;
            if (pos >= tokens.size()) {
                throw refuse("'" + t + " of' names no searches");
            }
            List<Search> chosen = select(tokens.get(pos++));
            if (t.equalsIgnoreCase("all")) {
                return r -> {
                    for (Search s : chosen) {
                        if (!s.matches(r)) {
                            return false;
                        }
                    }
                    return true;
                };
            }
            return r -> {
                for (Search s : chosen) {
                    if (s.matches(r)) {
                        return true;
                    }
                }
                return false;
            };
        }
        if (Set.of("and", "or", "of", ")").contains(t.toLowerCase(java.util.Locale.ROOT))) {
            throw refuse("unexpected '" + t + "'");
        }
        if (t.equalsIgnoreCase("near")) {
            throw refuse("'near' (Sigma 1 temporal proximity) is not supported");
        }
        if (t.matches("\\d+")) {
            throw refuse("'" + t + " of' is not supported; only '1 of' and 'all of'");
        }
        if (t.contains("*") || t.contains("?")) {
            throw refuse("a wildcard identifier '" + t + "' needs '1 of' or 'all of' before it");
        }
        Search s = searches.get(t);
        if (s == null) {
            throw refuse("no search named '" + t + "' in detection (it has " + searches.keySet() + ")");
        }
        return s;
    }

    private List<Search> select(String pattern) {
        List<Search> chosen = new ArrayList<>();
        if (pattern.equals("them")) {
            searches.forEach((name, s) -> {
                if (!name.startsWith("_")) {
                    chosen.add(s);
                }
            });
        } else {
            Pattern glob = Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q"));
            searches.forEach((name, s) -> {
                if (glob.matcher(name).matches()) {
                    chosen.add(s);
                }
            });
        }
        if (chosen.isEmpty()) {
            throw refuse("'" + pattern + "' names no search in detection (it has " + searches.keySet() + ")");
        }
        return List.copyOf(chosen);
    }

    private boolean peek(String word) {
        return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(word);
    }

    private RefusedConstruct refuse(String reason) {
        return new RefusedConstruct(line, "condition '" + text + "': " + reason);
    }
}
