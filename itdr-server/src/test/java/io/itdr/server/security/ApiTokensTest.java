package io.itdr.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.fixture.clock.SettableClock;
import io.itdr.core.audit.AdminChanges;
import io.itdr.core.audit.LedgerEntry;
import io.itdr.server.store.JdbcLedger;
import io.itdr.server.store.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    private JdbcLedger ledger;
    private ApiTokens tokens;

    @BeforeEach
    void open(@TempDir Path directory) {
        database = TestDatabases.h2(directory);
        ledger = new JdbcLedger(database, clock);
        tokens = new ApiTokens(database, clock, new AdminChanges(ledger));
    }

    @Test
    void aTokenAuthenticatesUntilItExpires() {
        ApiTokens.Issued issued = tokens.issue("nightly-replay", "user:alice", Set.of(Role.VIEWER), Duration.ofHours(1), "user:alice", "for the test");
        assertThat(issued.toString()).doesNotContain(issued.value());
        assertThat(tokens.authenticate(issued.value())).hasValueSatisfying(caller -> {
            assertThat(caller.actor()).isEqualTo("user:alice/token:nightly-replay");
            assertThat(caller.principal()).isEqualTo("user:alice");
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
        ApiTokens.Issued first = tokens.issue("ci", "user:alice", Set.of(Role.RESPONDER), null, "user:alice", "for the test");
        assertThatThrownBy(() -> tokens.issue("ci", "user:alice", Set.of(Role.VIEWER), null, "user:alice", "for the test")).isInstanceOf(ApiTokens.NameInUseException.class);
        assertThat(tokens.revoke(first.token().id(), "user:alice", "no longer needed")).hasValueSatisfying(t -> assertThat(t.revokedAt()).isEqualTo(T0));
        assertThat(tokens.authenticate(first.value())).isEmpty();
        ApiTokens.Issued second = tokens.issue("ci", "user:alice", Set.of(Role.RESPONDER), null, "user:alice", "for the test");
        assertThat(tokens.authenticate(second.value())).isPresent();
        assertThat(tokens.revoke("tok-unknown", "user:alice", "no longer needed")).isEmpty();
    }

    @Test
    void namesAreUniqueWithoutRegardToCaseAndLifetimesAreBounded() {
        tokens.issue("ci", "user:alice", Set.of(Role.INGEST), Duration.ofDays(30), "user:alice", "for the test");
        assertThatThrownBy(() -> tokens.issue("CI", "user:alice", Set.of(Role.VIEWER), null, "user:alice", "for the test"))
                .isInstanceOf(ApiTokens.NameInUseException.class);
        assertThatThrownBy(() -> tokens.issue("short", "user:alice", Set.of(Role.VIEWER), Duration.ofMillis(1), "user:alice", "for the test"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiresIn must be between");
        assertThatThrownBy(() -> tokens.issue("long", "user:alice", Set.of(Role.VIEWER), Duration.ofDays(99999999), "user:alice", "t"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expiresIn must be between");
        assertThat(tokens.issue("yearly", "user:alice", Set.of(Role.VIEWER), ApiTokens.MAX_LIFETIME, "user:alice", "t").token().expiresAt())
                .isEqualTo(T0.plus(ApiTokens.MAX_LIFETIME));
    }

    @Test
    void lastUseIsRecordedAtMostOnceAMinute() {
        ApiTokens.Issued issued = tokens.issue("poller", "user:alice", Set.of(Role.VIEWER), null, "user:alice", "for the test");
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
        assertThatThrownBy(() -> tokens.issue("no roles", "user:alice", Set.of(), null, "user:alice", "for the test")).hasMessageContaining("token name");
        assertThatThrownBy(() -> tokens.issue("x", "user:alice", Set.of(), null, "user:alice", "for the test")).hasMessageContaining("at least one role");
        assertThatThrownBy(() -> tokens.issue("x", "user:alice", Set.of(Role.VIEWER), Duration.ZERO, "user:alice", "for the test")).hasMessageContaining("expiresIn must be between");
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
        assertThat(tokens.authenticate(configured)).hasValueSatisfying(c -> assertThat(c.actor()).isEqualTo("system:bootstrap/token:bootstrap-admin"));

        tokens.revoke(id, "user:alice", "no longer needed");
        assertThatThrownBy(() -> new BootstrapToken(tokens, configured, System.out)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("revoked or has expired");
        assertThatThrownBy(() -> new BootstrapToken(tokens, "too-short", System.out)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("itdr.security.bootstrap-admin-token");
    }

    @Test
    void aTokenBelongsToThePersonItWasIssuedToOrElseToItsIssuer() {
        assertThat(ApiTokens.principalFor("bob", "user:alice/token:admin")).isEqualTo("user:bob");
        assertThat(ApiTokens.principalFor("user:bob", "user:alice/token:admin")).isEqualTo("user:bob");
        assertThat(ApiTokens.principalFor(null, "user:alice/token:admin")).isEqualTo("user:alice");
        assertThat(ApiTokens.principalFor(" ", "user:alice")).isEqualTo("user:alice");
        assertThatThrownBy(() -> ApiTokens.principalFor("bob/token:x", "user:alice")).hasMessageContaining("principal");
        assertThatThrownBy(() -> ApiTokens.principalFor("user:", "user:alice")).hasMessageContaining("principal");

        ApiTokens.Issued forBob = tokens.issue("bob-laptop", ApiTokens.principalFor("bob", "user:alice"), Set.of(Role.APPROVER), null,
                "user:alice", "bob approves for team-1");
        assertThat(forBob.token().principal()).isEqualTo("user:bob");
        assertThat(tokens.authenticate(forBob.value())).hasValueSatisfying(c -> {
            assertThat(c.actor()).isEqualTo("user:bob/token:bob-laptop");
            assertThat(c.principal()).isEqualTo("user:bob");
        });
    }

    @Test
    void issuingAndRevokingAreLedgeredWithActorAndReasonAndNeedAReason() {
        ApiTokens.Issued issued = tokens.issue("ci", "user:bob", Set.of(Role.RESPONDER), Duration.ofDays(1), "user:alice/token:admin",
                "ci requests containment");
        tokens.revoke(issued.token().id(), "user:alice/token:admin", "ci moved to OIDC");
        tokens.revoke(issued.token().id(), "user:alice/token:admin", "twice changes nothing");

        List<LedgerEntry> entries = ledger.read(1, 100);
        assertThat(entries).extracting(LedgerEntry::kind).containsExactly("admin.token_issued", "admin.token_revoked");
        assertThat(entries).allSatisfy(e -> assertThat(e.actor()).isEqualTo("user:alice/token:admin"));
        assertThat(entries.get(0).evidence()).containsEntry("token.id", issued.token().id()).containsEntry("token.principal", "user:bob")
                .containsEntry("token.roles", "responder").containsEntry("reason", "ci requests containment")
                .doesNotContainValue(issued.value());
        assertThat(entries.get(1).evidence()).containsEntry("reason", "ci moved to OIDC");

        assertThatThrownBy(() -> tokens.issue("x", "user:bob", Set.of(Role.VIEWER), null, "user:alice", " ")).hasMessageContaining("reason");
        assertThatThrownBy(() -> tokens.revoke("tok-unknown", "user:alice", null)).hasMessageContaining("reason");
        assertThat(tokens.list()).hasSize(1);
    }
}
