package io.itdr.connector.gcp.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.connector.gcp.GcpConnectorFactory;
import io.itdr.connector.gcp.GcpSandbox;
import io.itdr.connector.tck.RecordingMetrics;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.fixture.gcp.AuditLogEntries;
import io.itdr.spi.Connector;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditLogSourceTest {
    private static final Instant NOW = TestingConnectorContext.NOW;
    private static GcpSandbox sandbox;
    private SettableClock clock;
    private Connector connector;

    @BeforeAll
    static void start() {
        sandbox = new GcpSandbox();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void connect() {
        sandbox.reset();
        clock = new SettableClock(NOW);
        GcpConnectorFactory factory = new GcpConnectorFactory();
        connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(Map.of(
                        "projects", GcpSandbox.PROJECT, "sign-in", "credentials-json", "credentials-json", sandbox.keyFile("key-1"))),
                new TestingConnectorContext(clock, new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                        Map.of("logging", sandbox.endpoint())), Map.of(), new RecordingMetrics()));
    }

    private void add(String id, Instant at) {
        AuditLogEntries.Entry e = AuditLogEntries.Entry.call(id, at, GcpSandbox.PROJECT, GcpSandbox.SERVICE_ACCOUNT, null, "198.51.100.1");
        sandbox.logging().add(GcpSandbox.PROJECT, at, e.log().logName(GcpSandbox.PROJECT), AuditLogEntries.line(e));
    }

    private List<String> drain(Cursor from, int page, List<Cursor> cursors) {
        List<String> ids = new ArrayList<>();
        Cursor cursor = from;
        for (int i = 0; i < 50; i++) {
            TelemetryBatch batch = connector.telemetry().poll(cursor, page);
            batch.events().stream().map(IdentityEvent::id).forEach(ids::add);
            cursor = batch.next();
            cursors.add(cursor);
            if (!batch.hasMore()) {
                break;
            }
        }
        return ids;
    }

    @Test
    void entriesSharingOneTimestampAcrossPagesAreReadOnceEach() {
        Instant same = NOW.minusSeconds(3600);
        for (int i = 1; i <= 5; i++) {
            add("same-" + i, same);
        }
        add("later", same.plusMillis(1));
        List<Cursor> cursors = new ArrayList<>();
        assertThat(drain(Cursor.START, 2, cursors)).containsExactly("same-1", "same-2", "same-3", "same-4", "same-5", "later");
    }

    @Test
    void entriesYoungerThanTheSettleTimeWaitForALaterPoll() {
        add("old", NOW.minusSeconds(600));
        add("fresh", NOW.minusSeconds(30));
        List<Cursor> cursors = new ArrayList<>();
        assertThat(drain(Cursor.START, 10, cursors)).containsExactly("old");
        clock.advance(Duration.ofMinutes(3));
        assertThat(drain(cursors.get(cursors.size() - 1), 10, new ArrayList<>())).containsExactly("fresh");
    }

    @Test
    void anEntryLoggedWithinTheSettleTimeOfAPollIsReadByTheNextOne() {
        add("first", NOW.minusSeconds(600));
        List<Cursor> cursors = new ArrayList<>();
        assertThat(drain(Cursor.START, 10, cursors)).containsExactly("first");
        // logged 90 s before the last poll, visible only now: inside the 2 m that poll left alone
        add("late", NOW.minusSeconds(90));
        assertThat(drain(cursors.get(cursors.size() - 1), 10, new ArrayList<>())).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(drain(cursors.get(cursors.size() - 1), 10, new ArrayList<>())).containsExactly("late");
    }
}
