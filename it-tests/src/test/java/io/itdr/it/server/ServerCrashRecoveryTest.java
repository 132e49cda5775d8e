package io.itdr.it.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import io.itdr.server.store.JdbcActionStore;
import io.itdr.server.store.JdbcLedger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server process is killed (SIGKILL) after it wrote an action's intent and called the platform,
 * before it learned the outcome; restarted on the same database, it settles the action by reading
 * the platform and never calls it again: one effect in total. The server polls CloudTrail here, as
 * in production, and runs as a separate JVM so the kill is real.
 */
class ServerCrashRecoveryTest {
    @TempDir
    Path dir;

    private final AwsEstate aws = new AwsEstate();
    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Process::destroyForcibly);
        aws.close();
    }

    private String databaseUrl() {
        return "jdbc:h2:file:" + dir.resolve("data/itdr").toAbsolutePath() + ";WRITE_DELAY=0";
    }

    private Process startServer(String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.itdr.server.cli.ItdrCli", "serve", "--port", "0",
                "--db-url", databaseUrl(), "--policy", dir.resolve("policy.yaml").toString(),
                "--catalog", dir.resolve("catalog.yaml").toString()));
        Map<String, Object> properties = new LinkedHashMap<>(aws.connectorProperties());
        properties.put("itdr.connectors.aws.poll-interval", "1s");
        properties.put("itdr.connectors.aws.config.cloudtrail-settle-delay", "0s");
        properties.put("itdr.connectors.aws.config.cloudtrail-lookback", "1h");
        properties.put("logging.level.io.itdr.server", "INFO");
        properties.forEach((property, value) -> command.add("--" + property + "=" + value));
        command.add("--itdr.security.bootstrap-admin-token=" + RunningServer.ADMIN_TOKEN);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        servers.add(process);
        return process;
    }

    private void await(String what, String server, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Process process = servers.get(servers.size() - 1);
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new AssertionError("the " + server + " server exited (" + process.exitValue() + ") before " + what + ":\n" + log(server));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "; the " + server + " server's log:\n" + log(server));
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    private String log(String name) {
        try {
            return Files.readString(dir.resolve(name + ".log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Test
    void anActionInterruptedByACrashIsSettledFromThePlatformAndNotRepeated() throws Exception {
        Files.writeString(dir.resolve("policy.yaml"), AwsEstate.POLICY);
        Files.writeString(dir.resolve("catalog.yaml"), AwsEstate.CATALOG);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(300);
        aws.cloudTrail.add(t0, "s3.amazonaws.com", "GetObject",
                id -> AwsEstate.record(id, AwsEstate.OWN_USER, AwsEstate.OWN_KEY, "10.20.3.4", t0));
        aws.cloudTrail.add(t0.plusSeconds(60), "s3.amazonaws.com", "GetObject",
                id -> AwsEstate.record(id, AwsEstate.OWN_USER, AwsEstate.OWN_KEY, "203.0.113.50", t0.plusSeconds(60)));
        // IAM carries the change out at once but answers only after a minute: the server is killed while it waits
        aws.iam.hooks.delayNext("UpdateAccessKey", 60_000);

        Process first = startServer("first");
        await("the server disabled the key at the platform", "first", Duration.ofSeconds(240),
                () -> aws.calls("UpdateAccessKey") == 1);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        assertThat(aws.keyStatus(AwsEstate.OWN_USER, AwsEstate.OWN_KEY)).isEqualTo("Inactive");
        JdbcDataSource database = new JdbcDataSource();
        database.setURL(databaseUrl());
        database.setUser("sa");
        JdbcActionStore actions = new JdbcActionStore(database);
        List<ActionRecord> interrupted = actions.inStates(Set.of(ActionState.EXECUTING));
        assertThat(interrupted).as("the intent was committed before the call").hasSize(1);
        String actionId = interrupted.get(0).id();

        Process second = startServer("second");
        // the database is the server's while it runs (embedded H2): watch its log, then read the database
        await("the restarted server settled the action", "second", Duration.ofSeconds(240),
                () -> log("second").contains("action " + actionId + " reconciled: verified"));
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);

        assertThat(aws.calls("UpdateAccessKey")).as("one effect in total").isEqualTo(1);
        assertThat(actions.find(actionId).orElseThrow().lastError()).isNull();
        assertThat(new JdbcLedger(database, Clock.systemUTC()).verify().intact()).isTrue();
    }

    /**
     * Killed after the event, finding and decision were stored and before the action's intent (the
     * server is reading IAM to plan the action): on restart the decision is handed to the
     * coordinator again and the key is disabled once, although the stored event makes the
     * redelivered CloudTrail record a duplicate (fault row 1). The waits are long: two server
     * start-ups on a shared machine.
     */
    @Test
    void aDecisionFiledBeforeACrashIsActedOnAfterTheRestart() throws Exception {
        Files.writeString(dir.resolve("policy.yaml"), AwsEstate.POLICY);
        Files.writeString(dir.resolve("catalog.yaml"), AwsEstate.CATALOG);
        Process first = startServer("first");
        await("the inventory was read", "first", Duration.ofSeconds(240), () -> log("first").contains("connector aws: inventory read"));
        long inventoryReads = aws.calls("GetAccessKeyLastUsed");
        // planning reads the key's last use: IAM sits on that read while the server is killed
        aws.iam.hooks.delayNext("GetAccessKeyLastUsed", 60_000);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(300);
        aws.cloudTrail.add(t0, "s3.amazonaws.com", "GetObject",
                id -> AwsEstate.record(id, AwsEstate.OWN_USER, AwsEstate.OWN_KEY, "10.20.3.4", t0));
        aws.cloudTrail.add(t0.plusSeconds(60), "s3.amazonaws.com", "GetObject",
                id -> AwsEstate.record(id, AwsEstate.OWN_USER, AwsEstate.OWN_KEY, "203.0.113.50", t0.plusSeconds(60)));
        await("the server plans the containment", "first", Duration.ofSeconds(240),
                () -> aws.calls("GetAccessKeyLastUsed") > inventoryReads);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        JdbcDataSource database = new JdbcDataSource();
        database.setURL(databaseUrl());
        database.setUser("sa");
        JdbcActionStore actions = new JdbcActionStore(database);
        assertThat(actions.inStates(Set.of(ActionState.values()))).as("killed before the intent").isEmpty();
        try (java.sql.Connection connection = database.getConnection(); java.sql.Statement select = connection.createStatement();
             java.sql.ResultSet rows = select.executeQuery("SELECT COUNT(*) FROM decisions WHERE handled_at IS NULL")) {
            rows.next();
            assertThat(rows.getInt(1)).as("the decision was filed, not handed over").isEqualTo(1);
        }
        assertThat(aws.keyStatus(AwsEstate.OWN_USER, AwsEstate.OWN_KEY)).isEqualTo("Active");

        Process second = startServer("second");
        await("the restarted server disabled the key", "second", Duration.ofSeconds(240), () -> aws.calls("UpdateAccessKey") == 1);
        await("the restarted server handed the decision over", "second", Duration.ofSeconds(240),
                () -> log("second").contains("handed to the coordinator:"));
        second.destroy();
        second.waitFor(30, TimeUnit.SECONDS);

        assertThat(log("second")).contains("was filed but not handed to the coordinator");
        assertThat(aws.keyStatus(AwsEstate.OWN_USER, AwsEstate.OWN_KEY)).isEqualTo("Inactive");
        assertThat(aws.calls("UpdateAccessKey")).as("one effect in total").isEqualTo(1);
        assertThat(actions.inStates(Set.of(ActionState.values()))).singleElement()
                .satisfies(a -> assertThat(a.state()).isIn(ActionState.VERIFIED, ActionState.EXECUTED));
        assertThat(new JdbcLedger(database, Clock.systemUTC()).verify().intact()).isTrue();
    }
}
