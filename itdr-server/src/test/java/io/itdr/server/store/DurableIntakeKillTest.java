package io.itdr.server.store;

import static org.assertj.core.api.Assertions.assertThat;

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
 * No acknowledged event is lost when the process dies in the middle of durable intake, and dedupe
 * stays exact: a child JVM ({@link DurableIntakeChild}) runs the server's intake over the server's
 * stores, printing each batch it acknowledged; it is killed with SIGKILL ({@link
 * Process#destroyForcibly()}) right after an acknowledgement, while the next batch is being
 * processed and written. Then every acknowledged event must be stored, each once; and a second
 * child that redelivers everything from the first event must store exactly the events not stored
 * yet, so that in the end each event is stored exactly once.
 */
class DurableIntakeKillTest {
    private static final int EVENTS = 6_000;
    private static final int BATCH = 200;

    @Test
    void h2LosesNoAcknowledgedEventWhenKilledAndStoresEachEventOnce(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("itdr").toAbsolutePath() + ";WRITE_DELAY=0";
        Migrations.migrate(DurableIntakeChild.dataSource(url, "sa"));
        killedThenRedelivered(url, "sa", 7);
    }

    @Test
    void postgresLosesNoAcknowledgedEventWhenKilledAndStoresEachEventOnce() throws Exception {
        Map<String, Object> properties = TestDatabases.postgresProperties();
        killedThenRedelivered((String) properties.get("spring.datasource.url"), (String) properties.get("spring.datasource.username"), 11);
    }

    private static void killedThenRedelivered(String url, String user, int killAfterAcks) throws Exception {
        // 1. killed after some acknowledged batches, in the middle of the next one
        int acknowledgedUpTo = runUntilKilled(url, user, killAfterAcks);
        assertThat(acknowledgedUpTo).as("the child acknowledged batches before it was killed").isGreaterThan(0);
        DataSource database = DurableIntakeChild.dataSource(url, user);
        BitSet stored = storedEvents(database);
        assertThat(stored.nextClearBit(0)).as("every acknowledged event (0 to %d) is stored", acknowledgedUpTo)
                .isGreaterThan(acknowledgedUpTo);
        assertThat(rowCount(database)).as("no event stored twice").isEqualTo(stored.cardinality());

        // 2. everything delivered again from the start (a connector that lost its cursor): only what is missing is stored
        List<String> lines = run(url, user, true);
        assertThat(lines).last().isEqualTo("done");
        BitSet after = storedEvents(database);
        assertThat(after.cardinality()).as("each event stored").isEqualTo(EVENTS);
        assertThat(after.nextClearBit(0)).isEqualTo(EVENTS);
        assertThat(rowCount(database)).as("each event stored once").isEqualTo(EVENTS);
    }

    /** Starts a child, kills it after {@code acks} acknowledgements; returns the last event number acknowledged. */
    private static int runUntilKilled(String url, String user, int acks) throws Exception {
        Process child = start(url, user);
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

    /** Runs a child to its end; returns what it printed. */
    private static List<String> run(String url, String user, boolean toEnd) throws Exception {
        Process child = start(url, user);
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

    private static Process start(String url, String user) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), DurableIntakeChild.class.getName(),
                url, user, "0", Integer.toString(EVENTS), Integer.toString(BATCH))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static BitSet storedEvents(DataSource database) throws SQLException {
        BitSet stored = new BitSet(EVENTS);
        try (Connection connection = database.getConnection(); Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery("SELECT event_id FROM events WHERE connector_id = '" + DurableIntakeChild.CONNECTOR + "'")) {
            while (rows.next()) {
                stored.set(Integer.parseInt(rows.getString(1).substring("evt-".length())));
            }
        }
        return stored;
    }

    private static long rowCount(DataSource database) throws SQLException {
        try (Connection connection = database.getConnection(); Statement select = connection.createStatement();
             ResultSet rows = select.executeQuery("SELECT COUNT(*) FROM events")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
