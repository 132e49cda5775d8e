package io.itdr.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.BudgetTracker;
import io.itdr.core.decide.GovernanceState;
import io.itdr.core.detect.DetectionEngine;
import io.itdr.core.pipeline.ResponseEngine;
import io.itdr.generate.EstateGenerator;
import io.itdr.generate.GeneratorSettings;
import io.itdr.server.ItdrServerApplication;
import io.itdr.server.api.TestEstate;
import io.itdr.server.intake.EventIntake;
import io.itdr.server.response.Automation;
import io.itdr.server.response.Breakers;
import io.itdr.server.store.JdbcStateStore;
import io.itdr.spi.event.IdentityEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The done-when test of "state survives a restart" (issue #12): a generated estate goes through
 * the server's intake, once without a stop and once with the server stopped and started again (a
 * new Spring context on the same H2 file database) in the middle. Every decision, the budgets'
 * usage, the tripped breakers and the stored state are the same.
 *
 * <p>The estate's AWS events (the platform the test server's connector acts on), the shipped
 * default policy in enforce mode with a global budget of 1, and the identities' owners from the
 * generator's catalog: containments are decided, budgets spent and breakers trip. The kill switch is engaged
 * so that nothing is carried out on the AWS simulation (decisions, budgets and breakers are made
 * before the gate).
 */
class RestartMidEstateTest {
    private static final String ADMIN = "itdr_restart-test-bootstrap-admin-0123456789";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static List<IdentityEvent> events;
    private static Path catalog;
    private static Path policy;

    @TempDir
    static Path shared;

    @BeforeAll
    static void estate() throws IOException {
        EstateGenerator generator = new EstateGenerator(new GeneratorSettings(12, EstateGenerator.MIN_IDENTITIES, EstateGenerator.MIN_DAYS,
                GeneratorSettings.DEFAULT_START));
        List<IdentityEvent> aws = new ArrayList<>();
        generator.stream((event, family) -> {
            if (event.platform().equals("aws")) { // the platform the test server's connector can act on: containments spend budgets
                aws.add(event);
            }
        });
        events = List.copyOf(aws);
        catalog = shared.resolve("catalog.yaml");
        generator.writeCatalog(catalog);
        String enforcing = Files.readString(TestEstate.get().policy);
        String tight = enforcing.replace("  - id: global\n    scope: global\n    max_actions: 20\n",
                "  - id: global\n    scope: global\n    max_actions: 1\n");
        assertThat(tight).as("the global budget tightened so that its breaker trips mid-estate").isNotEqualTo(enforcing);
        policy = Files.writeString(shared.resolve("policy.yaml"), tight);
    }

    @Test
    void aServerRestartedMidEstateDecidesAsOneThatRanThrough(@TempDir Path dir) throws Exception {
        Run uninterrupted;
        try (ConfigurableApplicationContext server = start(dir.resolve("once"))) {
            feed(server, events);
            uninterrupted = Run.of(server);
        }

        int half = events.size() / 2;
        Run restarted;
        int tracked;
        try (ConfigurableApplicationContext server = start(dir.resolve("twice"))) {
            feed(server, events.subList(0, half));
            tracked = server.getBean(ResponseEngine.class).trackedIdentities();
        }
        try (ConfigurableApplicationContext server = start(dir.resolve("twice"))) {
            ResponseEngine.RestoredState restored = server.getBean(ResponseEngine.class).restored();
            assertThat(restored.detection().identities()).as("every identity's detector state, written at shutdown")
                    .isPositive().isEqualTo(tracked);
            assertThat(restored.governance().budgetKeys()).as("budget units restored").isPositive();
            feed(server, events.subList(half, events.size()));
            restarted = Run.of(server);
        }

        assertThat(restarted.decisions()).containsExactlyEntriesOf(uninterrupted.decisions());
        assertThat(uninterrupted.decisions()).as("an estate that decides containments").hasSizeGreaterThan(20);
        assertThat(uninterrupted.decisions().values().stream().filter(d -> d.contains("budget_exhausted")))
                .as("and spends budgets until breakers trip").isNotEmpty();
        assertThat(restarted.budgets()).isEqualTo(uninterrupted.budgets());
        assertThat(restarted.breakers()).isNotEmpty().isEqualTo(uninterrupted.breakers());
        assertThat(restarted.state()).isEqualTo(uninterrupted.state());
    }

    /** What a run left: decisions by id (without their time), budget usage, tripped breakers, stored state. */
    record Run(Map<String, String> decisions, List<String> budgets, List<String> breakers, Map<String, Long> state) {
        static Run of(ConfigurableApplicationContext server) throws SQLException {
            Map<String, String> decisions = new TreeMap<>();
            try (Connection connection = server.getBean(DataSource.class).getConnection();
                 Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT id, body FROM decisions")) {
                while (rows.next()) {
                    ObjectNode body = (ObjectNode) JSON.readTree(rows.getString(2));
                    body.remove("time");
                    decisions.put(rows.getString(1), body.toString());
                }
            }
            ResponseEngine engine = server.getBean(ResponseEngine.class);
            List<String> budgets = engine.policyEngine().budgets().usage(server.getBean(Clock.class).instant()).stream()
                    .map(BudgetTracker.BudgetUsage::describe).toList();
            List<String> breakers = server.getBean(Breakers.class).tripped().stream()
                    .map(t -> t.budget() + " " + t.key() + " " + t.used() + "/" + t.maxActions() + " by " + t.trippedBy()).toList();
            JdbcStateStore store = server.getBean(JdbcStateStore.class);
            engine.checkpointDetectors();
            Map<String, Long> state = new LinkedHashMap<>();
            for (String section : List.of(GovernanceState.BUDGETS, GovernanceState.SHADOW_BUDGETS, GovernanceState.ESCALATION,
                    GovernanceState.INCIDENTS, GovernanceState.INCIDENT_FINDINGS, DetectionEngine.SECTION)) {
                state.put(section, store.size(section));
            }
            return new Run(decisions, budgets, breakers, state);
        }
    }

    private static void feed(ConfigurableApplicationContext server, List<IdentityEvent> batch) {
        EventIntake intake = server.getBean(EventIntake.class);
        Map<String, List<IdentityEvent>> byPlatform = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i += 500) {
            byPlatform.clear();
            for (IdentityEvent e : batch.subList(i, Math.min(batch.size(), i + 500))) {
                byPlatform.computeIfAbsent(e.platform(), p -> new ArrayList<>()).add(e);
            }
            byPlatform.forEach(intake::accept);
        }
    }

    private static ConfigurableApplicationContext start(Path database) throws IOException {
        Files.createDirectories(database);
        Map<String, String> properties = new TreeMap<>(TestEstate.get().serverProperties());
        properties.put("server.port", "0");
        properties.put("spring.datasource.url", "jdbc:h2:file:" + database.resolve("itdr").toAbsolutePath() + ";WRITE_DELAY=0");
        properties.put("itdr.catalog", catalog.toString());
        properties.put("itdr.policy", policy.toString());
        properties.put("itdr.security.bootstrap-admin-token", ADMIN);
        properties.put("itdr.state.checkpoint-interval", "1h"); // the shutdown checkpoint is the one under test
        properties.put("itdr.state.checkpoint-events", "0");
        List<String> args = new ArrayList<>();
        properties.forEach((name, value) -> args.add("--" + name + "=" + value));
        ConfigurableApplicationContext server = ItdrServerApplication.start(Map.of(), args.toArray(String[]::new));
        Automation automation = server.getBean(Automation.class);
        if (!automation.state().engaged()) {
            automation.engage("user:test", "decisions only: nothing is carried out on the simulation");
        }
        return server;
    }
}
