package io.itdr.connector.gcp;

import io.itdr.connector.tck.Fault;
import io.itdr.connector.tck.RawExport;
import io.itdr.connector.tck.Sandbox;
import io.itdr.fixture.gcp.AuditLogEntries;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The Google Cloud the kit runs the connector against: a project whose audit log a log sink
 * exports as JSON lines (the shape of a Cloud Storage sink's files). The kit's malformed records
 * carry a time Cloud Logging would never write ({@code "timestamp":"redacted"}).
 */
final class GcpSandbox implements Sandbox {
    static final String PROJECT = "itdr-tck-project";
    static final String SERVICE_ACCOUNT = "deployer@" + PROJECT + ".iam.gserviceaccount.com";
    private static final Instant START = Instant.parse("2026-11-20T08:00:00Z");

    private final List<String> feed = new ArrayList<>();
    private int seeded;

    @Override
    public synchronized void reset() {
        feed.clear();
        seeded = 0;
    }

    @Override
    public int mutatingCallCount() {
        return 0;
    }

    /** Nothing here answers a call: the export is read offline. */
    @Override
    public void injectFault(Fault fault) {
    }

    @Override
    public synchronized List<String> seedTelemetry(int records, Set<Integer> malformedAt) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            int n = seeded++;
            String id = "tck-entry-" + n;
            String line = AuditLogEntries.line(AuditLogEntries.Entry.call(id, START.plusSeconds(60L * n), PROJECT, SERVICE_ACCOUNT,
                    "0123456789abcdef0123456789abcdef01234567", "203.0.113." + (10 + n % 200)));
            if (malformedAt.contains(i)) {
                line = line.replaceFirst("\"timestamp\":\"[^\"]+\"", "\"timestamp\":\"redacted\"");
            } else {
                ids.add(id);
            }
            feed.add(line);
        }
        return ids;
    }

    @Override
    public synchronized RawExport exportTelemetry() {
        return new RawExport("audit-sink.jsonl", "application/x-ndjson",
                (String.join("\n", feed) + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
