package io.itdr.server.api;

import static io.itdr.server.api.ApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.audit.LedgerCheckpointKeys;
import io.itdr.server.ItdrServerApplication;
import io.itdr.server.schedule.LedgerCheckpointing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/ledger/verify} on a server that writes signed checkpoints: the head is shown
 * and checked against the latest checkpoint, so a tail removed behind the append-only trigger's
 * back is reported. Its own server, because the shared one keeps no checkpoints.
 */
class LedgerCheckpointEndpointTest {
    private static final String ADMIN = "itdr_checkpoint-test-bootstrap-admin-0123456789";

    @TempDir
    Path dir;

    @Test
    void aTailRemovedAfterACheckpointIsReportedOverHttp() throws Exception {
        KeyPair keys = LedgerCheckpointKeys.generate();
        Path key = Files.writeString(dir.resolve("ledger.key"), LedgerCheckpointKeys.privatePem(keys.getPrivate()));
        Map<String, String> properties = new TreeMap<>(TestEstate.get().serverProperties());
        properties.put("server.port", "0");
        properties.put("spring.datasource.url", "jdbc:h2:mem:itdr-checkpoint-test;DB_CLOSE_DELAY=-1");
        properties.put("itdr.security.bootstrap-admin-token", ADMIN);
        properties.put("itdr.ledger.checkpoint.dir", dir.resolve("checkpoints").toString());
        properties.put("itdr.ledger.checkpoint.key", "file:" + key);
        properties.put("itdr.ledger.checkpoint.interval", "1h");
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        try (ConfigurableApplicationContext context = ItdrServerApplication.start(Map.of(), args.toArray(String[]::new))) {
            ApiClient admin = new ApiClient(Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port")), ADMIN);
            for (String name : List.of("first", "second", "third")) {
                assertThat(admin.post("/api/v1/tokens", json("name", name, "roles", List.of("viewer"), "reason", "entries to cut"))
                        .status()).isEqualTo(201);
            }
            context.getBean(LedgerCheckpointing.class).checkpoint().orElseThrow();
            JsonNode intact = admin.get("/api/v1/ledger/verify").json();
            assertThat(intact.get("intact").asBoolean()).as(intact.toString()).isTrue();
            long head = intact.get("head").get("seq").asLong();
            assertThat(intact.get("checkpoint").get("seq").asLong()).isEqualTo(head);

            try (Connection connection = context.getBean(DataSource.class).getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("DROP TRIGGER ledger_no_delete");
                assertThat(statement.executeUpdate("DELETE FROM ledger WHERE seq > " + (head - 2))).isEqualTo(2);
            }

            JsonNode cut = admin.get("/api/v1/ledger/verify").json();
            assertThat(cut.get("intact").asBoolean()).as(cut.toString()).isFalse();
            assertThat(cut.get("reason").asString()).startsWith("tail removed: ");
            assertThat(cut.get("head").get("seq").asLong()).isEqualTo(head - 2);
            assertThat(cut.get("checkpoint").get("seq").asLong()).isEqualTo(head);
        }
    }
}
