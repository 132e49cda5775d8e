package io.itdr.server.security;

import io.itdr.core.audit.Actors;
import io.itdr.core.audit.AdminChanges;
import io.itdr.core.audit.LedgerKinds;
import io.itdr.core.normalize.Printable;
import io.itdr.server.store.Sql;
import io.itdr.server.store.StoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API tokens for automation (table {@code api_tokens}): {@code itdr_} followed by 43 characters of
 * base64url (256 random bits). Only the SHA-256 of a token is stored; the token itself is returned
 * once, when it is issued, and never logged. A token authenticates while it is neither revoked
 * nor expired; its last use is recorded at most once a minute. Every token belongs to a principal:
 * the person it was issued to (by default the person who issued it). A caller authenticated by a
 * token acts as {@code <principal>/token:<name>} ({@link Actors#viaToken}), so separation of duties
 * sees the person, and at most one active token carries a name. Issuing and revoking are ledgered
 * with the actor and reason before the database changes ({@link AdminChanges}).
 *
 * <p>Thread-safe (state lives in the database).
 */
public final class ApiTokens {
    private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
    public static final String PREFIX = "itdr_";
    /** What a token looks like: the prefix and at least 27 url-safe characters (32 in all). */
    private static final Pattern SHAPE = Pattern.compile("itdr_[A-Za-z0-9_-]{27,200}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    /** The shortest lifetime a token may be issued for. */
    public static final Duration MIN_LIFETIME = Duration.ofMinutes(1);
    /** The longest lifetime a token may be issued for (a year and a day: yearly rotation with a day's overlap). */
    public static final Duration MAX_LIFETIME = Duration.ofDays(366);

    /** A person's login name as an OIDC subject or e-mail would give it; no '/' (it separates the token in an actor). */
    private static final Pattern PERSON = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}");
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final String COLUMNS = "id, name, principal, roles, created_by, created_at, expires_at, revoked_at, last_used_at, connector";
    /** A connector id as the configuration names it. */
    private static final Pattern CONNECTOR = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    /**
     * A token as listed: never its value, never its hash.
     *
     * @param principal  the person it belongs to ({@code user:alice}); never null
     * @param expiresAt  null when it does not expire
     * @param revokedAt  null unless revoked
     * @param lastUsedAt null when never used (updated at most once a minute)
     * @param connector  the one connector an ingest token may push to; null for any
     */
    public record ApiToken(String id, String name, String principal, Set<Role> roles, String createdBy, Instant createdAt,
                           Instant expiresAt, Instant revokedAt, Instant lastUsedAt, String connector) {
        public ApiToken {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(principal, "principal");
            roles = Set.copyOf(roles);
            Objects.requireNonNull(createdBy, "createdBy");
            Objects.requireNonNull(createdAt, "createdAt");
        }

        public boolean activeAt(Instant now) {
            return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
        }

        /** The actor the ledger records for this token's caller: its principal through this token. */
        public String actor() {
            return Actors.viaToken(principal, name);
        }
    }

    /** A token just issued, with its value: the only moment the value exists outside the caller. */
    public record Issued(ApiToken token, String value) {
        @Override
        public String toString() {
            return "Issued[" + token + ", value=****]";
        }
    }

    /** The name is taken by another active token (names make actors, so they must be unambiguous). */
    public static final class NameInUseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NameInUseException(String message) {
            super(message);
        }
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final AdminChanges changes;
    private final SecureRandom random = new SecureRandom();

    public ApiTokens(DataSource dataSource, Clock clock, AdminChanges changes) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.changes = Objects.requireNonNull(changes, "changes");
    }

    /**
     * The principal a token is issued to: {@code alice} and {@code user:alice} both name the person
     * alice; blank or null means the issuer's own principal.
     *
     * @throws IllegalArgumentException for a name that is not a person's login name
     */
    public static String principalFor(String requested, String issuer) {
        if (requested == null || requested.isBlank()) {
            return Actors.principal(issuer);
        }
        String person = requested.strip();
        if (person.startsWith("user:")) {
            person = person.substring("user:".length());
        }
        if (!PERSON.matcher(person).matches()) {
            throw new IllegalArgumentException("a principal is a person's login name (user:alice or alice): 1 to 200 characters "
                    + "of A-Z, a-z, 0-9, '.', '_', '@', '+' or '-', starting with a letter or digit; not '" + requested + "'");
        }
        return Actors.user(person);
    }

    /** Whether {@code text} has the shape of an itdr API token (the prefix and enough url-safe characters). */
    public static boolean looksLikeToken(String text) {
        return text != null && SHAPE.matcher(text).matches();
    }

    /**
     * Issues a new token, ledgered first.
     *
     * @param principal who it belongs to ({@link #principalFor})
     * @param expiresIn null for a token that does not expire; else positive
     * @param reason    why it is issued; never blank
     * @throws IllegalArgumentException for a malformed name, no roles, a non-positive expiry or no reason
     * @throws NameInUseException when an active token has this name
     */
    public Issued issue(String name, String principal, Set<Role> roles, Duration expiresIn, String createdBy, String reason) {
        return issue(name, principal, roles, expiresIn, null, createdBy, reason);
    }

    /**
     * As {@link #issue(String, String, Set, Duration, String, String)}, bound to one connector when
     * {@code connector} is not null: the token can then push to {@code /ingest/{connector}} only,
     * and must hold the {@code ingest} role alone (a wider token bound to one connector would read
     * and act on all of them).
     *
     * @throws IllegalArgumentException also for a malformed connector id or a bound token with other roles
     */
    public Issued issue(String name, String principal, Set<Role> roles, Duration expiresIn, String connector, String createdBy,
                        String reason) {
        if (connector != null) {
            if (!CONNECTOR.matcher(connector).matches()) {
                throw new IllegalArgumentException("a connector id is 1 to 100 characters of A-Z, a-z, 0-9, '.', '_' or '-', "
                        + "starting with a letter or digit");
            }
            if (roles == null || !roles.equals(Set.of(Role.INGEST))) {
                throw new IllegalArgumentException("only an ingest token (roles: ingest, nothing else) can be bound to a connector");
            }
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return store(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), name, principal, roles, expiresIn,
                connector, createdBy, reason);
    }

    /**
     * Stores a token whose value the operator chose (the bootstrap admin token).
     *
     * @throws IllegalArgumentException when {@code value} does not look like a token
     */
    public Issued importToken(String value, String name, String principal, Set<Role> roles, String createdBy, String reason) {
        if (!looksLikeToken(value)) {
            throw new IllegalArgumentException("an API token is '" + PREFIX + "' followed by at least 27 characters of "
                    + "A-Z, a-z, 0-9, '-' or '_'");
        }
        return store(value, name, principal, roles, null, null, createdBy, reason);
    }

    private Issued store(String value, String name, String principal, Set<Role> roles, Duration expiresIn, String connector,
                         String createdBy, String reason) {
        requireName(name);
        Objects.requireNonNull(principal, "principal");
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a reason is required to issue a token");
        }
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one role");
        }
        if (expiresIn != null && (expiresIn.compareTo(MIN_LIFETIME) < 0 || expiresIn.compareTo(MAX_LIFETIME) > 0)) {
            throw new IllegalArgumentException("expiresIn must be between " + MIN_LIFETIME + " and " + MAX_LIFETIME + ", not " + expiresIn);
        }
        Instant now = clock.instant();
        // names compare without case: "CI" and "ci" are one name to the people reading the ledger
        if (list().stream().anyMatch(t -> t.name().equalsIgnoreCase(name) && t.activeAt(now))) {
            throw new NameInUseException("an active token is named '" + name + "'; revoke it or choose another name");
        }
        ApiToken token = new ApiToken(newId(), name, principal, roles, createdBy, now, expiresIn == null ? null : now.plus(expiresIn),
                null, null, connector);
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("token.id", token.id());
        evidence.put("token.name", name);
        evidence.put("token.principal", principal);
        evidence.put("token.roles", rolesColumn(roles));
        evidence.put("token.expires_at", token.expiresAt() == null ? "never" : token.expiresAt().toString());
        evidence.put("token.connector", connector == null ? "any" : connector);
        changes.record(LedgerKinds.ADMIN_TOKEN_ISSUED, createdBy, reason.strip(), evidence,
                "token " + name + " issued to " + principal);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO api_tokens (id, name, principal, token_hash, roles, "
                     + "created_by, created_at, expires_at, revoked_at, last_used_at, connector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)")) {
            insert.setString(1, token.id());
            insert.setString(2, name);
            insert.setString(3, principal);
            insert.setString(4, sha256(value));
            insert.setString(5, rolesColumn(roles));
            insert.setString(6, createdBy);
            Sql.setInstant(insert, 7, token.createdAt());
            Sql.setInstant(insert, 8, token.expiresAt());
            insert.setString(9, connector);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("token " + name + " cannot be stored: " + e.getMessage(), e);
        }
        LOG.info("API token {} ({}) issued to {} by {} with roles {}{}{}", token.id(), Printable.escape(name), Printable.escape(principal),
                Printable.escape(createdBy), rolesColumn(roles),
                token.expiresAt() == null ? "" : ", expiring " + token.expiresAt(), connector == null ? "" : ", bound to connector " + connector);
        return new Issued(token, value);
    }

    /** Every token, newest first. */
    public List<ApiToken> list() {
        return select("SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at DESC, id", null);
    }

    public Optional<ApiToken> find(String id) {
        return select("SELECT " + COLUMNS + " FROM api_tokens WHERE id = ?", id).stream().findFirst();
    }

    /** Whether {@code value} was ever stored as a token, active or not. */
    public boolean known(String value) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT 1 FROM api_tokens WHERE token_hash = ?")) {
            select.setString(1, sha256(value));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        } catch (SQLException e) {
            throw new StoreException("API tokens cannot be read: " + e.getMessage(), e);
        }
    }

    /** Whether any token can authenticate now. */
    public boolean anyActive() {
        Instant now = clock.instant();
        return list().stream().anyMatch(t -> t.activeAt(now));
    }

    /**
     * Revokes a token, ledgered first (revoking a revoked token changes nothing and is not ledgered).
     *
     * @param reason why; never blank
     * @return the token as it is now; empty when no token has this id
     */
    public Optional<ApiToken> revoke(String id, String actor, String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("a reason is required to revoke a token");
        }
        Optional<ApiToken> found = find(id);
        if (found.isEmpty() || found.get().revokedAt() != null) {
            return found;
        }
        changes.record(LedgerKinds.ADMIN_TOKEN_REVOKED, actor, reason.strip(), Map.of("token.id", id, "token.name", found.get().name(),
                "token.principal", found.get().principal()), "token " + found.get().name() + " revoked");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            Sql.setInstant(update, 1, clock.instant());
            update.setString(2, id);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("token " + id + " cannot be revoked: " + e.getMessage(), e);
        }
        LOG.info("API token {} ({}) revoked by {}", Printable.escape(id), Printable.escape(found.get().name()), Printable.escape(actor));
        return find(id);
    }

    /**
     * The caller a presented token stands for; empty when it is not a token, unknown, revoked or
     * expired (the reasons are not told apart, to the caller or in the log).
     */
    public Optional<Caller> authenticate(String presented) {
        if (!looksLikeToken(presented)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<ApiToken> token = select("SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = ?", sha256(presented))
                .stream().findFirst().filter(t -> t.activeAt(now));
        token.filter(t -> t.lastUsedAt() == null || !t.lastUsedAt().plus(TOUCH_EVERY).isAfter(now)).ifPresent(t -> touch(t, now));
        return token.map(t -> new Caller(t.actor(), t.roles(), Caller.Via.API_TOKEN, t.connector()));
    }

    private void touch(ApiToken token, Instant now) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")) {
            Sql.setInstant(update, 1, now);
            update.setString(2, token.id());
            update.executeUpdate();
        } catch (SQLException e) {
            // losing a last-use time must not turn a valid request away
            LOG.warn("last use of API token {} not recorded: {}", token.id(), Printable.escape(e.getMessage()));
        }
    }

    private List<ApiToken> select(String sql, String argument) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            if (argument != null) {
                select.setString(1, argument);
            }
            List<ApiToken> tokens = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    tokens.add(new ApiToken(rows.getString("id"), rows.getString("name"), rows.getString("principal"),
                            roles(rows.getString("roles"), rows.getString("id")),
                            rows.getString("created_by"), Sql.instant(rows, "created_at"), Sql.instant(rows, "expires_at"),
                            Sql.instant(rows, "revoked_at"), Sql.instant(rows, "last_used_at"), rows.getString("connector")));
                }
            }
            return tokens;
        } catch (SQLException e) {
            throw new StoreException("API tokens cannot be read: " + e.getMessage(), e);
        }
    }

    private String newId() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return "tok-" + HexFormat.of().formatHex(bytes);
    }

    static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a token name is 1 to 100 characters of A-Z, a-z, 0-9, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
    }

    private static String rolesColumn(Set<Role> roles) {
        return new TreeSet<>(roles).stream().map(Role::label).collect(Collectors.joining(","));
    }

    private static Set<Role> roles(String column, String id) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String label : column.split(",")) {
            try {
                roles.add(Role.of(label));
            } catch (IllegalArgumentException e) {
                throw new StoreException("API token " + id + " has an unknown role '" + label + "'");
            }
        }
        return roles;
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
