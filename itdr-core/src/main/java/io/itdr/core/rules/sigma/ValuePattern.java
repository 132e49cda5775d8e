package io.itdr.core.rules.sigma;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A Sigma string value compiled for matching: {@code *} any run of characters, {@code ?} one
 * character, {@code \*} {@code \?} {@code \\} the characters themselves (a backslash before
 * anything else is a backslash). Case-insensitive unless {@code cased}. Immutable.
 */
final class ValuePattern {
    private enum Kind { EQUALS, PREFIX, SUFFIX, CONTAINS, ANY, REGEX }

    private final Kind kind;
    private final String literal;
    private final Pattern regex;
    private final boolean cased;

    private ValuePattern(Kind kind, String literal, Pattern regex, boolean cased) {
        this.kind = kind;
        this.literal = literal;
        this.regex = regex;
        this.cased = cased;
    }

    /** A pattern of tokens where wildcards are marked by {@link #WILD_ANY} and {@link #WILD_ONE}. */
    static final char WILD_ANY = '\uE000';
    static final char WILD_ONE = '\uE001';

    /** Marks the unescaped wildcards of a Sigma value with {@link #WILD_ANY}/{@link #WILD_ONE}; escapes are resolved. */
    static String tokens(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char n = value.charAt(i + 1);
                if (n == '*' || n == '?' || n == '\\') {
                    out.append(n);
                    i++;
                    continue;
                }
                out.append(c);
            } else if (c == '*') {
                out.append(WILD_ANY);
            } else if (c == '?') {
                out.append(WILD_ONE);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Compiles marked tokens (see {@link #tokens}). */
    static ValuePattern compile(String tokens, boolean cased) {
        if (tokens.indexOf(WILD_ONE) < 0) {
            String inner = tokens;
            boolean lead = inner.startsWith(String.valueOf(WILD_ANY));
            boolean trail = inner.length() > (lead ? 1 : 0) && inner.endsWith(String.valueOf(WILD_ANY));
            String core = inner.substring(lead ? 1 : 0, inner.length() - (trail ? 1 : 0));
            if (core.indexOf(WILD_ANY) < 0) {
                String lit = cased ? core : core.toLowerCase(Locale.ROOT);
                if (lead && core.isEmpty()) {
                    return new ValuePattern(Kind.ANY, lit, null, cased);
                }
                Kind kind = lead && trail ? Kind.CONTAINS : lead ? Kind.SUFFIX : trail ? Kind.PREFIX : Kind.EQUALS;
                return new ValuePattern(kind, lit, null, cased);
            }
        }
        StringBuilder re = new StringBuilder();
        StringBuilder lit = new StringBuilder();
        for (int i = 0; i < tokens.length(); i++) {
            char c = tokens.charAt(i);
            if (c == WILD_ANY || c == WILD_ONE) {
                if (lit.length() > 0) {
                    re.append(Pattern.quote(lit.toString()));
                    lit.setLength(0);
                }
                re.append(c == WILD_ANY ? ".*" : ".");
            } else {
                lit.append(c);
            }
        }
        if (lit.length() > 0) {
            re.append(Pattern.quote(lit.toString()));
        }
        int flags = Pattern.DOTALL | (cased ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        return new ValuePattern(Kind.REGEX, null, Pattern.compile(re.toString(), flags), cased);
    }

    boolean matches(String value) {
        if (kind == Kind.REGEX) {
            return regex.matcher(value).matches();
        }
        String v = cased ? value : value.toLowerCase(Locale.ROOT);
        return switch (kind) {
            case EQUALS -> v.equals(literal);
            case PREFIX -> v.startsWith(literal);
            case SUFFIX -> v.endsWith(literal);
            case CONTAINS -> v.contains(literal);
            case ANY -> true;
            case REGEX -> throw new AssertionError();
        };
    }
}
