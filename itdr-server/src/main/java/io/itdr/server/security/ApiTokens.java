package io.itdr.server.security;

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
import java.util.List;
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
 * nor expired; its last use is recorded at most once a minute. A caller authenticated by a token
 * acts as {@code token:<name>}, so at most one active token carries a name.
 *
 * <p>Thread-safe (state lives in the database).
 */
public final class ApiTokens {
    private static final Logger LOG = LoggerFactory.getLogger(ApiTokens.class);
    public static final String PREFIX = "itdr_";
    /** What a token looks like: the prefix and at least 27 url-safe characters (32 in all). */
    private static final Pattern SHAPE = Pattern.compile("itdr_[A-Za-z0-9_-]{27,200}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
    private static final String COLUMNS = "id, name, roles, created_by, created_at, expires_at, revoked_at, last_used_at";

    /**
     * A token as listed: never its value, never its hash.
     *
     * @param expiresAt  null when it does not expire
     * @param revokedAt  null unless revoked
     * @param lastUsedAt null when never used (updated at most once a minute)
     */
    public record ApiToken(String id, String name, Set<Role> roles, String createdBy, Instant createdAt, Instant expiresAt,
                           Instant revokedAt, Instant lastUsedAt) {
        public ApiToken {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            roles = Set.copyOf(roles);
            Objects.requireNonNull(createdBy, "createdBy");
            Objects.requireNonNull(createdAt, "createdAt");
        }

        public boolean activeAt(Instant now) {
            return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
        }

        /** The actor the ledger records for this token's caller. */
        public String actor() {
            return "token:" + name;
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
    private final SecureRandom random = new SecureRandom();

    public ApiTokens(DataSource dataSource, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether {@code text} has the shape of an itdr API token (the prefix and enough url-safe characters). */
    public static boolean looksLikeToken(String text) {
        return text != null && SHAPE.matcher(text).matches();
    }

    /**
     * Issues a new token.
     *
     * @param expiresIn null for a token that does not expire; else positive
     * @throws IllegalArgumentException for a malformed name, no roles or a non-positive expiry
     * @throws NameInUseException when an active token has this name
     */
    public Issued issue(String name, Set<Role> roles, Duration expiresIn, String createdBy) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return store(PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), name, roles, expiresIn, createdBy);
    }

    /**
     * Stores a token whose value the operator chose (the bootstrap admin token).
     *
     * @throws IllegalArgumentException when {@code value} does not look like a token
     */
    public Issued importToken(String value, String name, Set<Role> roles, String createdBy) {
        if (!looksLikeToken(value)) {
            throw new IllegalArgumentException("an API token is '" + PREFIX + "' followed by at least 27 characters of "
                    + "A-Z, a-z, 0-9, '-' or '_'");
        }
        return store(value, name, roles, null, createdBy);
    }

    private Issued store(String value, String name, Set<Role> roles, Duration expiresIn, String createdBy) {
        requireName(name);
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one role");
        }
        if (expiresIn != null && (expiresIn.isZero() || expiresIn.isNegative())) {
            throw new IllegalArgumentException("expiresIn must be positive, not " + expiresIn);
        }
        Instant now = clock.instant();
        if (list().stream().anyMatch(t -> t.name().equals(name) && t.activeAt(now))) {
            throw new NameInUseException("an active token is named '" + name + "'; revoke it or choose another name");
        }
        ApiToken token = new ApiToken(newId(), name, roles, createdBy, now, expiresIn == null ? null : now.plus(expiresIn), null, null);
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO api_tokens (id, name, token_hash, roles, "
                     + "created_by, created_at, expires_at, revoked_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)")) {
            insert.setString(1, token.id());
            insert.setString(2, name);
            insert.setString(3, sha256(value));
            insert.setString(4, rolesColumn(roles));
            insert.setString(5, createdBy);
            Sql.setInstant(insert, 6, token.createdAt());
            Sql.setInstant(insert, 7, token.expiresAt());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("token " + name + " cannot be stored: " + e.getMessage(), e);
        }
        LOG.info("API token {} ({}) issued by {} with roles {}{}", token.id(), name, createdBy, rolesColumn(roles),
                token.expiresAt() == null ? "" : ", expiring " + token.expiresAt());
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
     * Revokes a token (revoking a revoked token changes nothing).
     *
     * @return the token as it is now; empty when no token has this id
     */
    public Optional<ApiToken> revoke(String id, String actor) {
        Optional<ApiToken> found = find(id);
        if (found.isEmpty() || found.get().revokedAt() != null) {
            return found;
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                     "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")) {
            Sql.setInstant(update, 1, clock.instant());
            update.setString(2, id);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("token " + id + " cannot be revoked: " + e.getMessage(), e);
        }
        LOG.info("API token {} ({}) revoked by {}", id, found.get().name(), actor);
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
        return token.map(t -> new Caller(t.actor(), t.roles(), Caller.Via.API_TOKEN));
    }

    private void touch(ApiToken token, Instant now) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")) {
            Sql.setInstant(update, 1, now);
            update.setString(2, token.id());
            update.executeUpdate();
        } catch (SQLException e) {
            // losing a last-use time must not turn a valid request away
            LOG.warn("last use of API token {} not recorded: {}", token.id(), e.getMessage());
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
                    tokens.add(new ApiToken(rows.getString("id"), rows.getString("name"), roles(rows.getString("roles"), rows.getString("id")),
                            rows.getString("created_by"), Sql.instant(rows, "created_at"), Sql.instant(rows, "expires_at"),
                            Sql.instant(rows, "revoked_at"), Sql.instant(rows, "last_used_at")));
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
