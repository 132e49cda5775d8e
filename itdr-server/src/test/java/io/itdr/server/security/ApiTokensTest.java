package io.itdr.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.fixture.clock.SettableClock;
import io.itdr.server.store.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token store and the bootstrap admin token on a migrated H2 database, with a clock the test moves. */
class ApiTokensTest {
    private static final Instant T0 = Instant.parse("2026-05-01T09:00:00Z");

    private final SettableClock clock = new SettableClock(T0);
    private DataSource database;
    private ApiTokens tokens;

    @BeforeEach
    void open(@TempDir Path directory) {
        database = TestDatabases.h2(directory);
        tokens = new ApiTokens(database, clock);
    }

    @Test
    void aTokenAuthenticatesUntilItExpires() {
        ApiTokens.Issued issued = tokens.issue("nightly-replay", Set.of(Role.VIEWER), Duration.ofHours(1), "user:alice");
        assertThat(issued.toString()).doesNotContain(issued.value());
        assertThat(tokens.authenticate(issued.value())).hasValueSatisfying(caller -> {
            assertThat(caller.actor()).isEqualTo("token:nightly-replay");
            assertThat(caller.roles()).containsExactly(Role.VIEWER);
            assertThat(caller.via()).isEqualTo(Caller.Via.API_TOKEN);
        });
        clock.set(T0.plus(Duration.ofHours(1)));
        assertThat(tokens.authenticate(issued.value())).isEmpty();
        assertThat(tokens.anyActive()).isFalse();
        assertThat(tokens.known(issued.value())).isTrue();
    }

    @Test
    void aRevokedTokenStopsAtOnceAndItsNameIsFreeAgain() {
        ApiTokens.Issued first = tokens.issue("ci", Set.of(Role.RESPONDER), null, "user:alice");
        assertThatThrownBy(() -> tokens.issue("ci", Set.of(Role.VIEWER), null, "user:alice")).isInstanceOf(ApiTokens.NameInUseException.class);
        assertThat(tokens.revoke(first.token().id(), "user:alice")).hasValueSatisfying(t -> assertThat(t.revokedAt()).isEqualTo(T0));
        assertThat(tokens.authenticate(first.value())).isEmpty();
        ApiTokens.Issued second = tokens.issue("ci", Set.of(Role.RESPONDER), null, "user:alice");
        assertThat(tokens.authenticate(second.value())).isPresent();
        assertThat(tokens.revoke("tok-unknown", "user:alice")).isEmpty();
    }

    @Test
    void lastUseIsRecordedAtMostOnceAMinute() {
        ApiTokens.Issued issued = tokens.issue("poller", Set.of(Role.VIEWER), null, "user:alice");
        tokens.authenticate(issued.value());
        clock.set(T0.plusSeconds(30));
        tokens.authenticate(issued.value());
        assertThat(tokens.find(issued.token().id()).orElseThrow().lastUsedAt()).isEqualTo(T0);
        clock.set(T0.plusSeconds(61));
        tokens.authenticate(issued.value());
        assertThat(tokens.find(issued.token().id()).orElseThrow().lastUsedAt()).isEqualTo(T0.plusSeconds(61));
    }

    @Test
    void onlyTokenShapedTextIsLookedUpAndBadRequestsAreRefused() {
        assertThat(ApiTokens.looksLikeToken("itdr_" + "a".repeat(27))).isTrue();
        assertThat(ApiTokens.looksLikeToken("itdr_" + "a".repeat(26))).isFalse();
        assertThat(ApiTokens.looksLikeToken("itdr_" + "a".repeat(26) + "!")).isFalse();
        assertThat(ApiTokens.looksLikeToken("eyJhbGciOiJSUzI1NiJ9.e30.sig")).isFalse();
        assertThat(tokens.authenticate("itdr_" + "b".repeat(40))).isEmpty();
        assertThatThrownBy(() -> tokens.issue("no roles", Set.of(), null, "user:alice")).hasMessageContaining("token name");
        assertThatThrownBy(() -> tokens.issue("x", Set.of(), null, "user:alice")).hasMessageContaining("at least one role");
        assertThatThrownBy(() -> tokens.issue("x", Set.of(Role.VIEWER), Duration.ZERO, "user:alice")).hasMessageContaining("positive");
    }

    @Test
    void aFreshServerPrintsOneGeneratedAdminTokenOnce() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BootstrapToken bootstrap = new BootstrapToken(tokens, null, new PrintStream(out, true, StandardCharsets.UTF_8));
        String generated = bootstrap.generatedToken().orElseThrow();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("bootstrap admin token: " + generated);
        assertThat(tokens.authenticate(generated)).hasValueSatisfying(c -> assertThat(c.roles()).containsExactly(Role.ADMIN));

        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(new BootstrapToken(tokens, null, new PrintStream(again, true, StandardCharsets.UTF_8)).generatedToken()).isEmpty();
        assertThat(again.size()).isZero();
    }

    @Test
    void theOperatorsBootstrapTokenIsStoredButNeverRevived() {
        String configured = "itdr_operator-chosen-bootstrap-token-0001";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BootstrapToken bootstrap = new BootstrapToken(tokens, configured, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(bootstrap.generatedToken()).isEmpty();
        assertThat(out.size()).isZero();
        String id = tokens.list().get(0).id();
        assertThat(tokens.authenticate(configured)).hasValueSatisfying(c -> assertThat(c.actor()).isEqualTo("token:bootstrap-admin"));

        tokens.revoke(id, "user:alice");
        assertThatThrownBy(() -> new BootstrapToken(tokens, configured, System.out)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("revoked or has expired");
        assertThatThrownBy(() -> new BootstrapToken(tokens, "too-short", System.out)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("itdr.security.bootstrap-admin-token");
    }
}
