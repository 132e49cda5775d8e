package io.itdr.core.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.core.decide.policy.PolicyLoader;
import io.itdr.core.enrich.IdentityCatalog;
import io.itdr.core.normalize.EventJson;
import io.itdr.core.normalize.NormalizedEventNormalizer;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.Source;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayRunnerOrderTest {
    private static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    private static final ReplayOptions OPTIONS = ReplayOptions.of(PolicyLoader.loadDefault(), IdentityCatalog.empty(), null, null);

    @TempDir
    Path dir;

    /** Events of a few identities from a few addresses over three days, some at the same instant. */
    private static List<IdentityEvent> estate(long seed, int count) {
        Random random = new Random(seed);
        List<IdentityEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Instant time = T0.plusSeconds(random.nextInt(3 * 24 * 60) * 60L);
            String identity = "arn:aws:iam::111122223333:user/svc-" + random.nextInt(4);
            IdentityEvent.Builder event = IdentityEvent.builder("e-" + i, time, "aws", IdentityRef.of(identity))
                    .tenant("111122223333")
                    .category(EventCategory.API_CALL)
                    .action("s3:GetObject")
                    .source(new Source("198.51.100." + random.nextInt(6), null, null, null, "aws-cli/2", null));
            if (i % 25 == 0) { // a platform's own finding, so the replay decides something
                event.category(EventCategory.PLATFORM_FINDING).finding(new PlatformFinding("UnauthorizedAccess:IAMUser/Test", 0.9, "8.0", null));
            }
            events.add(event.build());
        }
        return events;
    }

    private static void write(Path file, List<IdentityEvent> events, boolean gzip) {
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
                for (IdentityEvent e : events) {
                    out.write((EventJson.write(e) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ReplayReport replay(ReplayOptions options, List<Path> inputs) {
        return new ReplayRunner(options).run(NormalizedEventNormalizer.SOURCE_ID, new NormalizedEventNormalizer(), inputs);
    }

    /** The report without where rejections were (file names differ between layouts). */
    private static Map<String, Object> outcome(ReplayReport report) {
        Map<String, Object> m = report.toMap();
        m.remove("rejections");
        m.remove("events");
        return m;
    }

    @Property(tries = 15)
    void shuffledAcrossFilesAndDirectoriesReplaysAsTheSortedFile(@ForAll long seed, @ForAll @IntRange(min = 1, max = 400) int memoryEvents)
            throws IOException {
        Path root = Files.createTempDirectory("replay-order-");
        try {
            List<IdentityEvent> events = estate(seed, 300);
            List<IdentityEvent> sorted = new ArrayList<>(events);
            sorted.sort(java.util.Comparator.comparing(IdentityEvent::time));
            write(root.resolve("sorted.jsonl"), sorted, false);
            List<IdentityEvent> shuffled = new ArrayList<>(events);
            Collections.shuffle(shuffled, new Random(seed));
            // three parts: a file, and a directory with a nested gzip and a plain file; CloudTrail's
            // double delivery: ten events again in another file
            write(root.resolve("a.jsonl"), shuffled.subList(0, 100), false);
            write(root.resolve("export/2026/10/b.jsonl.gz"), shuffled.subList(100, 200), true);
            write(root.resolve("export/c.jsonl"), shuffled.subList(200, 300), false);
            write(root.resolve("export/again.jsonl"), shuffled.subList(40, 50), false);

            ReplayReport reference = replay(OPTIONS, List.of(root.resolve("sorted.jsonl")));
            ReplayReport report = replay(OPTIONS.withMemoryEvents(memoryEvents).withSpillDirectory(root),
                    List.of(root.resolve("export"), root.resolve("a.jsonl")));

            assertThat(report.accepted()).isEqualTo(300);
            assertThat(report.duplicates()).isEqualTo(10);
            assertThat(report.read()).isEqualTo(310);
            assertThat(outcome(report)).isEqualTo(outcome(reference));
            assertThat(reference.findings()).isNotEmpty();
            try (Stream<Path> left = Files.list(root)) {
                assertThat(left).as("temporary files deleted").noneMatch(p -> p.getFileName().toString().startsWith("itdr-replay-"));
            }
        } finally {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aTinyBudgetSpillsRunsAndTheirFilesAreDeletedAfterwards() {
        List<IdentityEvent> events = estate(7, 50);
        Collections.reverse(events);
        Path spill = dir.resolve("spill");
        try (EventSort sort = new EventSort(3, createDirectories(spill))) {
            events.forEach(e -> sort.add(0, e));
            assertThat(sort.spilledRuns()).isEqualTo(16);
            try (Stream<Path> runs = Files.walk(spill)) {
                assertThat(runs.filter(Files::isRegularFile)).hasSize(16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Instant> times = new ArrayList<>();
            sort.drain(entry -> times.add(entry.event().time()));
            assertThat(times).hasSize(50).isSorted();
        }
        assertThat(spill.toFile().list()).isEmpty();
    }

    @Test
    void temporaryFilesAreDeletedWhenTheReplayFails() {
        Path spill = createDirectories(dir.resolve("spill"));
        write(dir.resolve("in/events.jsonl"), estate(3, 20), false);
        ReplayOptions failing = OPTIONS.withMemoryEvents(2).withSpillDirectory(spill);
        // a source whose normalizer fails after its events were spilled: the run ends, the files go
        NormalizedEventNormalizer normalized = new NormalizedEventNormalizer();
        io.itdr.spi.telemetry.EventNormalizer breaking = (payload, sink) -> {
            normalized.normalize(payload, sink);
            throw new IllegalStateException("broken normalizer");
        };
        assertThatThrownBy(() -> new ReplayRunner(failing).run("broken", breaking, List.of(dir.resolve("in"))))
                .hasMessage("broken normalizer");
        assertThat(spill.toFile().list()).isEmpty();
    }

    @Test
    void hiddenFilesAreSkippedAndDirectoriesWalkInPathOrder() throws IOException {
        write(dir.resolve("d/b/2.jsonl"), List.of(), false);
        write(dir.resolve("d/a.jsonl"), List.of(), false);
        write(dir.resolve("d/.partial.jsonl"), List.of(), false);
        write(dir.resolve("d/.git/objects/x"), List.of(), false);
        write(dir.resolve("d/b/1.jsonl.gz"), List.of(), true);

        assertThat(ReplayRunner.expand(List.of(dir.resolve("d"))))
                .containsExactly(dir.resolve("d/a.jsonl"), dir.resolve("d/b/1.jsonl.gz"), dir.resolve("d/b/2.jsonl"));
    }

    private static Path createDirectories(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
