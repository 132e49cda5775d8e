package io.itdr.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.audit.LedgerCheckpointKeys;
import io.itdr.core.audit.LedgerCheckpoints;
import io.itdr.core.audit.LedgerHead;
import io.itdr.server.config.ItdrProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** {@code itdr.ledger.checkpoint.*}: the private key comes from a secret reference, and never shows in an error. */
class LedgerCheckpointSettingsTest {
    @TempDir
    Path dir;

    private ItdrProperties properties(String key, String publicKey) {
        return new ItdrProperties(null, null, new ItdrProperties.Events("full", Duration.ofDays(30)),
                new ItdrProperties.Incidents(Duration.ofHours(24)), new ItdrProperties.Approvals(Duration.ofHours(4)), Map.of(),
                new ItdrProperties.Ingest(DataSize.ofMegabytes(10)), new ItdrProperties.Security(null, "roles", "sub", null),
                new ItdrProperties.Plugins(null),
                new ItdrProperties.LedgerSettings(new ItdrProperties.Checkpoint(dir.resolve("checkpoints"), Duration.ofMinutes(5), key, publicKey)));
    }

    @Test
    void aKeyFileSignsAndTheDerivedOrConfiguredPublicKeyVerifies() throws IOException {
        KeyPair pair = LedgerCheckpointKeys.generate();
        Files.writeString(dir.resolve("k.key"), LedgerCheckpointKeys.privatePem(pair.getPrivate()));
        Files.writeString(dir.resolve("k.pub"), LedgerCheckpointKeys.publicPem(pair.getPublic()));
        String hash = "ab".repeat(32);

        for (String publicKey : new String[] {null, "file:" + dir.resolve("k.pub")}) {
            LedgerCheckpoints checkpoints = new ServerConfiguration().ledgerCheckpoints(properties("file:" + dir.resolve("k.key"), publicKey));
            checkpoints.write(new LedgerHead(1, hash), Instant.parse("2026-12-06T03:00:00Z"));
            assertThat(new LedgerCheckpoints(checkpoints.directory(), null, pair.getPublic()).read().problems()).isEmpty();
        }
    }

    @Test
    void anInlineOrUnresolvableKeyIsRefusedWithoutQuotingIt() throws IOException {
        String pem = LedgerCheckpointKeys.privatePem(LedgerCheckpointKeys.generate().getPrivate());
        Files.writeString(dir.resolve("garbage.key"), "not a key at all");

        assertThatThrownBy(() -> new ServerConfiguration().ledgerCheckpoints(properties(pem, null)))
                .hasMessageContaining("env:VAR or file:/path").hasMessageNotContaining(pem.lines().skip(1).findFirst().orElseThrow());
        assertThatThrownBy(() -> new ServerConfiguration().ledgerCheckpoints(properties("env:ITDR_TEST_NO_SUCH_VARIABLE_XYZ", null)))
                .hasMessageContaining("does not resolve");
        assertThatThrownBy(() -> new ServerConfiguration().ledgerCheckpoints(properties("file:" + dir.resolve("garbage.key"), null)))
                .hasMessageContaining("not an Ed25519 private key").hasMessageNotContaining("not a key at all");
    }
}
