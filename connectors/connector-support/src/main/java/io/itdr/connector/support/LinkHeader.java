package io.itdr.connector.support;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code rel="next"} target of HTTP {@code Link} headers (RFC 8288), as paged APIs give the next page
 * (GitHub: https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api; Okta:
 * https://developer.okta.com/docs/api/#link-header). A header may hold several links, a link several
 * relation types ({@code rel="next last"}), quoted or not. Stateless.
 */
public final class LinkHeader {
    private static final Pattern LINK = Pattern.compile("<([^>]*)>\\s*((?:;\\s*[^;,]+)*)");
    private static final Pattern REL = Pattern.compile(";\\s*rel\\s*=\\s*\"?([^\";]*)\"?");

    private LinkHeader() {
    }

    /**
     * The target of the first link whose relation types include {@code next}, as written (not resolved).
     *
     * @param values the values of every {@code Link} header of an answer; never null
     * @return empty when no link is {@code next}
     */
    public static Optional<String> next(List<String> values) {
        Objects.requireNonNull(values, "values");
        for (String value : values) {
            Matcher link = LINK.matcher(value);
            while (link.find()) {
                Matcher rel = REL.matcher(link.group(2));
                while (rel.find()) {
                    for (String r : rel.group(1).trim().split("\\s+")) {
                        if (r.equalsIgnoreCase("next")) {
                            return Optional.of(link.group(1));
                        }
                    }
                }
            }
        }
        return Optional.empty();
    }
}
