package io.itdr.connector.okta.normalize;

import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.regex.Pattern;

/**
 * Which Okta users are service users (accounts automation signs in with). The System Log does not
 * say, so operators name them by patterns on the login ({@code actor.alternateId}) or the user id:
 * {@code *} matches any text, matching ignores case. Immutable and thread-safe.
 */
public final class ServiceUsers {
    /** Logins that name a user as automation by common conventions; operators replace them with their own. */
    public static final List<String> DEFAULT_PATTERNS =
            List.of("svc-*", "svc_*", "svc.*", "*-svc@*", "*_svc@*", "service-*", "service.*", "*-bot@*");
    /** The {@link #DEFAULT_PATTERNS}. */
    public static final ServiceUsers DEFAULTS = new ServiceUsers(DEFAULT_PATTERNS);

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private ServiceUsers(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.compiled = this.patterns.stream().map(ServiceUsers::compile).toList();
    }

    /** @param patterns e.g. {@code svc-*}, {@code *@robots.example.com}; never null, none blank */
    public static ServiceUsers matching(List<String> patterns) {
        Objects.requireNonNull(patterns, "patterns");
        for (String p : patterns) {
            if (p == null || p.isBlank()) {
                throw new IllegalArgumentException("a service user pattern is blank");
            }
        }
        return new ServiceUsers(patterns);
    }

    /** Whether the user with this login or id (either may be null) is a service user. */
    public boolean contains(String login, String userId) {
        for (Pattern p : compiled) {
            if ((login != null && p.matcher(login).matches()) || (userId != null && p.matcher(userId).matches())) {
                return true;
            }
        }
        return false;
    }

    private static Pattern compile(String glob) {
        StringJoiner regex = new StringJoiner(".*");
        for (String part : glob.trim().split("\\*", -1)) {
            regex.add(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    }

    @Override
    public String toString() {
        return "ServiceUsers" + patterns;
    }
}
