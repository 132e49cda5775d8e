package io.itdr.server.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.server.store.Migrations;
import io.itdr.server.store.TestDatabases;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A push acknowledged with 202 loses nothing when the server is killed (SIGKILL) after the
 * answer, before or while its events are processed, and dedupe stays exact: a child JVM ({@link
 * PushedBacklogChild}) stores pushes in the ingest backlog with the worker processing behind them,
 * and is killed right after an acknowledgement. Then every acknowledged event is in the backlog
 * or the event store; a second child that starts the worker (which processes what was left) and
 * pushes everything again is told exactly which events were new, and in the end each event is
 * stored once and nothing waits.
 */
class PushedBacklogKillTest {
    private static final int EVENTS = 2_400;
    private static final int PUSH = 200;

    @Test
    void h2LosesNoAcknowledgedPushWhenKilledAndProcessesEachEventOnce(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("itdr").toAbsolutePath() + ";WRITE_DELAY=0";
        Migrations.migrate(PushedBacklogChild.dataSource(url, "sa"));
        killedThenPushedAgain(url, "sa", 9);
    }

    @Test
    void postgresLosesNoAcknowledgedPushWhenKilledAndProcessesEachEventOnce() throws Exception {
        Map<String, Object> properties = TestDatabases.postgresProperties();
        killedThenPushedAgain((String) properties.get("spring.datasource.url"), (String) properties.get("spring.datasource.username"), 13);
    }

    private static void killedThenPushedAgain(String url, String user, int killAfterAcks) throws Exception {
        int acknowledgedUpTo = runUntilKilled(url, user, killAfterAcks);
        DataSource database = PushedBacklogChild.dataSource(url, user);
        BitSet processed = ids(database, "events");
        BitSet waiting = ids(database, "ingest_backlog");
        BitSet either = (BitSet) processed.clone();
        either.or(waiting);
        assertThat(either.nextClearBit(0)).as("every acknowledged event (0 to %d) is stored or waiting", acknowledgedUpTo)
                .isGreaterThan(acknowledgedUpTo);
        System.out.printf("killed after the push of event %d: %d processed, %d waiting%n", acknowledgedUpTo, processed.cardinality(),
                waiting.cardinality());

        List<String> lines = run(url, user);
        assertThat(lines).last().isEqualTo("done");
        int accepted = Integer.parseInt(lines.get(lines.size() - 2).substring("accepted ".length()));
        assertThat(accepted).as("pushed again, exactly the events neither stored nor waiting are new").isEqualTo(EVENTS - either.cardinality());
        BitSet after = ids(database, "events");
        assertThat(after.cardinality()).as("each event processed and stored").isEqualTo(EVENTS);
        assertThat(count(database, "events")).as("each event stored once").isEqualTo(EVENTS);
        assertThat(count(database, "ingest_backlog")).as("nothing left waiting").isZero();
    }

    /** Starts a child, kills it after {@code acks} acknowledgements; returns the last event number acknowledged. */
    private static int runUntilKilled(String url, String user, int acks) throws Exception {
        Process child = start(url, user, "push");
        int last = -1;
        int seen = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("ack ")) {
                    last = Math.max(last, Integer.parseInt(line.split(" ")[2]));
                    if (++seen == acks) {
                        child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no flush
                        break;
                    }
                }
                assertThat(line).as("the child must be killed before it finishes").isNotEqualTo("done");
            }
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the killed child ends").isTrue();
        }
        assertThat(seen).as("acknowledgements before the kill").isEqualTo(acks);
        return last;
    }

    private static List<String> run(String url, String user) throws Exception {
        Process child = start(url, user, "redeliver");
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        }
        assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("the child ends").isTrue();
        assertThat(child.exitValue()).as("the child's exit code").isZero();
        return lines;
    }

    private static Process start(String url, String user, String mode) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), PushedBacklogChild.class.getName(),
                url, user, Integer.toString(EVENTS), Integer.toString(PUSH), mode)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static BitSet ids(DataSource database, String table) throws SQLException {
        BitSet ids = new BitSet(EVENTS);
        try (Connection connection = database.getConnection(); Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery("SELECT event_id FROM " + table + " WHERE connector_id = '" + PushedBacklogChild.CONNECTOR + "'")) {
            while (rows.next()) {
                ids.set(Integer.parseInt(rows.getString(1).substring("evt-".length())));
            }
        }
        return ids;
    }

    private static long count(DataSource database, String table) throws SQLException {
        try (Connection connection = database.getConnection(); Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
