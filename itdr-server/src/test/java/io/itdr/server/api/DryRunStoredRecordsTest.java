package io.itdr.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.rules.sigma.SigmaRuleLoader;
import io.itdr.core.rules.sigma.SigmaRules;
import io.itdr.server.store.JdbcEventStore;
import io.itdr.server.store.TestDatabases;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The event store keeps each event's raw platform record (compressed, migration V7), so a policy
 * dry-run over stored events gives the server's rule sets the record they match: a Sigma rule on
 * a CloudTrail field the normalized event does not carry fires in the dry-run as it did live.
 */
class DryRunStoredRecordsTest {
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    // a field of the CloudTrail record only (the normalized event has no such attribute)
    private static final String RULE = """
            title: Trail logging stopped by a role
            logsource: {product: aws, service: cloudtrail}
            detection:
              s: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging, userIdentity.type: AssumedRole}
              condition: s
            level: high
            """;

    @TempDir
    static Path dir;

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("h2", TestDatabases.h2(dir.resolve("h2-" + System.nanoTime()))),
                Arguments.of("postgresql", TestDatabases.postgres()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aDryRunOverStoredEventsSeesTheirRawRecordsAndYieldsTheRuleFinding(String name, DataSource database) throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules-" + name));
        Files.writeString(rules.resolve("stop-logging.yml"), RULE);
        SigmaRules loaded = new SigmaRuleLoader().load(List.of(rules));
        assertThat(loaded.rules()).hasSize(1);

        JdbcEventStore store = new JdbcEventStore(database, JdbcEventStore.Retention.FULL);
        IdentityEvent stop = event("ct-stop-1", "cloudtrail:StopLogging", 0);
        IdentityEvent read = event("ct-read-1", "s3:GetObject", 5);
        String stopRecord = record("ct-stop-1", "cloudtrail.amazonaws.com", "StopLogging");
        Map<IdentityEvent, String> records = new java.util.IdentityHashMap<>(Map.of(stop, stopRecord));
        assertThat(store.append("aws", List.of(stop, read), records::get, T0.plusSeconds(60))).hasSize(2);

        // kept beside the event, given back whole; an event stored without a record has none
        assertThat(store.latest(10, 0, true)).extracting(r -> r.eventId() + "=" + (r.record() == null ? "none" : r.record()))
                .containsExactly("ct-read-1=none", "ct-stop-1=" + stopRecord);
        assertThat(store.latest(10, 0)).allSatisfy(r -> assertThat(r.record()).isNull());

        Map<String, Object> withRecords = new PolicyDryRun(store, IdentityCatalog.empty(), loaded).run(PolicyLoader.loadDefault(), 100);
        assertThat(findings(withRecords)).containsEntry("sigma:trail-logging-stopped-by-a-role", 1L);

        // the same events with the records dropped (what the store kept before V7): no rule finding
        JdbcEventStore bare = new JdbcEventStore(TestDatabases.h2(dir.resolve("bare-" + name)), JdbcEventStore.Retention.FULL);
        bare.append("aws", List.of(stop, read), T0.plusSeconds(60));
        Map<String, Object> without = new PolicyDryRun(bare, IdentityCatalog.empty(), loaded).run(PolicyLoader.loadDefault(), 100);
        assertThat(findings(without)).doesNotContainKey("sigma:trail-logging-stopped-by-a-role");
        assertThat(findings(without).keySet()).noneMatch(detector -> detector.startsWith("sigma"));
    }

    @SuppressWarnings("unchecked") // the report's findings: detector → count
    private static Map<String, Long> findings(Map<String, Object> report) {
        Map<String, Object> raw = (Map<String, Object>) report.get("findings");
        Map<String, Long> out = new java.util.TreeMap<>();
        raw.forEach((k, v) -> out.put(k, ((Number) v).longValue()));
        return out;
    }

    private static IdentityEvent event(String id, String action, int second) {
        return IdentityEvent.builder(id, T0.plusSeconds(second), "aws",
                        new IdentityRef("arn:aws:sts::123456789012:assumed-role/ops/deploy", "assumed_role", "deploy"))
                .tenant("123456789012").category(EventCategory.API_CALL).action(action).build();
    }

    /** A CloudTrail record (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html). */
    private static String record(String id, String source, String name) {
        return "{\"eventVersion\":\"1.09\",\"eventID\":\"" + id + "\",\"eventTime\":\"2026-11-01T10:00:00Z\",\"eventSource\":\""
                + source + "\",\"eventName\":\"" + name + "\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"203.0.113.7\","
                + "\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::123456789012:assumed-role/ops/deploy\","
                + "\"accountId\":\"123456789012\"},\"requestParameters\":{\"name\":\"org-trail\"},\"recipientAccountId\":\"123456789012\"}";
    }
}
