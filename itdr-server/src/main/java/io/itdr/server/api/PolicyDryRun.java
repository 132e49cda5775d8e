package io.itdr.server.api;

import io.itdr.core.decide.policy.Policy;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.normalize.EventJson;
import io.itdr.core.normalize.NormalizedEventNormalizer;
import io.itdr.core.replay.ReplayOptions;
import io.itdr.core.replay.ReplayReport;
import io.itdr.core.replay.ReplayRunner;
import io.itdr.server.query.EventQueries;
import io.itdr.spi.event.IdentityEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Runs the latest stored events through a candidate policy in shadow mode, with the server's
 * identity catalog, and reports what it would have done ({@link ReplayReport#toMap()}): the
 * events are written, in event-time order, to a temporary file of itdr's normalized JSONL and
 * replayed by {@link ReplayRunner}, which never acts. One dry-run at a time (429 otherwise): it
 * holds up to {@value #MAX_EVENTS} events in memory. Thread-safe.
 */
@Component
public class PolicyDryRun {
    public static final int DEFAULT_EVENTS = 10_000;
    public static final int MAX_EVENTS = 100_000;
    private static final int PAGE = 1000;

    private final EventQueries events;
    private final IdentityCatalog catalog;
    private final Semaphore running = new Semaphore(1);

    public PolicyDryRun(EventQueries events, IdentityCatalog catalog) {
        this.events = events;
        this.catalog = catalog;
    }

    /**
     * @param events how many of the latest stored events to replay, 1 to {@value #MAX_EVENTS}
     * @throws ApiProblem 409 when the server keeps event digests only, 429 when a dry-run is running
     */
    public Map<String, Object> run(Policy policy, int events) {
        if (events < 1 || events > MAX_EVENTS) {
            throw ApiProblem.badInput("limit", "must be between 1 and " + MAX_EVENTS + ", not " + events);
        }
        if (!this.events.keepsBodies()) {
            throw ApiProblem.conflict("events-not-retained", "the server keeps only digests of events "
                    + "(itdr.events.retention=digest); a dry-run needs their bodies (retention full)");
        }
        if (!running.tryAcquire()) {
            throw new ApiProblem(HttpStatus.TOO_MANY_REQUESTS, "dry-run-busy", "another policy dry-run is running; try again when it ends",
                    Map.of());
        }
        try {
            List<IdentityEvent> stored = latest(events);
            Path file = Files.createTempFile("itdr-dry-run-", ".jsonl");
            try {
                write(file, stored);
                ReplayReport report = new ReplayRunner(ReplayOptions.of(policy, catalog, null, null))
                        .run("stored", new NormalizedEventNormalizer(), List.of(file));
                Map<String, Object> result = new LinkedHashMap<>(report.toMap());
                result.put("source", "stored events (latest " + stored.size() + ")");
                return result;
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the dry-run's temporary event file failed", e);
        } finally {
            running.release();
        }
    }

    /** The latest {@code count} stored events, oldest event time first (the replay's reorder window then never bites). */
    private List<IdentityEvent> latest(int count) {
        List<IdentityEvent> events = new ArrayList<>();
        for (long offset = 0; events.size() < count; offset += PAGE) {
            List<EventQueries.EventRow> page = this.events.latest(Math.min(PAGE, count - events.size()), offset);
            page.stream().filter(row -> row.json() != null).forEach(row -> events.add(EventJson.read(row.json())));
            if (page.size() < PAGE) {
                break;
            }
        }
        events.sort(Comparator.comparing(IdentityEvent::time));
        return events;
    }

    private static void write(Path file, List<IdentityEvent> events) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (IdentityEvent event : events) {
                out.write(EventJson.write(event));
                out.write('\n');
            }
        }
    }
}
