package io.itdr.core.enrich;

/**
 * A catalog {@code match}: an exact id or a glob with {@code *} and {@code ?}, matched without
 * regular expressions (linear backtracking over the last star). Immutable.
 */
final class IdentityPattern {
    private final String text;
    private final String literalPrefix;
    private final int literalLength;

    IdentityPattern(String text) {
        this.text = text;
        int firstWildcard = 0;
        while (firstWildcard < text.length() && !isWildcard(text.charAt(firstWildcard))) {
            firstWildcard++;
        }
        this.literalPrefix = text.substring(0, firstWildcard);
        int literals = 0;
        for (int i = 0; i < text.length(); i++) {
            if (!isWildcard(text.charAt(i))) {
                literals++;
            }
        }
        this.literalLength = literals;
    }

    /** Characters that are not wildcards: the more, the more specific the pattern. */
    int literalLength() {
        return literalLength;
    }

    boolean matches(String id) {
        if (!id.startsWith(literalPrefix)) {
            return false; // cheap rejection: most catalog globs start with a long ARN or domain
        }
        int p = literalPrefix.length();
        int s = literalPrefix.length();
        int star = -1;
        int starMatch = 0;
        while (s < id.length()) {
            char c = p < text.length() ? text.charAt(p) : 0;
            if (p < text.length() && (c == '?' || (c != '*' && c == id.charAt(s)))) {
                p++;
                s++;
            } else if (p < text.length() && c == '*') {
                star = p++;
                starMatch = s;
            } else if (star >= 0) {
                p = star + 1;
                s = ++starMatch;
            } else {
                return false;
            }
        }
        while (p < text.length() && text.charAt(p) == '*') {
            p++;
        }
        return p == text.length();
    }

    static boolean isWildcard(char c) {
        return c == '*' || c == '?';
    }
}
