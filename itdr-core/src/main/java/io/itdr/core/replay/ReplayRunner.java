package io.itdr.core.replay;

import io.itdr.core.audit.InMemoryLedger;
import io.itdr.core.audit.JsonlFileLedger;
import io.itdr.core.audit.Ledger;
import io.itdr.core.normalize.Printable;
import io.itdr.core.pipeline.CaseStore;
import io.itdr.core.pipeline.EventStore;
import io.itdr.core.pipeline.Intake;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * {@code itdr replay}: runs exported telemetry through a policy in shadow mode and reports what
 * would have happened. Never acts (no executor is registered and every decision is forced to
 * shadow). Never stops on a bad record: it is counted as rejected with its file, record (or line),
 * event id when known, and reason.
 *
 * <p>Input may be in any order, as bulk exports are (an {@code aws s3 sync} of a trail bucket, a
 * SIEM export): files and directories (walked recursively in path order, hidden files skipped;
 * gzip is the normalizers' to detect) are read once, every source one after the other, and
 * their events put in time order by an external sort ({@link EventSort}) that spills sorted runs to
 * temporary files beyond {@link ReplayOptions#memoryEvents()} and drops duplicates; then the
 * merged runs go through the engine's intake in batches. Memory stays bounded for inputs larger
 * than the heap: what grows is the detector state (bounded per identity, capped in identities)
 * and the findings and decisions kept for the report. Temporary files are deleted at the end,
 * also when the run fails.
 *
 * <p>Not thread-safe; one run per instance.
 */
public final class ReplayRunner {
    /** Events handed to the intake at a time. */
    private static final int BATCH = 1000;

    private final ReplayOptions options;
    private java.util.function.Consumer<io.itdr.core.pipeline.Pipeline.Outcome> listener = outcome -> { };

    public ReplayRunner(ReplayOptions options) {
        this.options = options;
    }

    /** Also hands every outcome (finding and decision) to {@code listener}, e.g. to compare two policies decision by decision. */
    public ReplayRunner onOutcome(java.util.function.Consumer<io.itdr.core.pipeline.Pipeline.Outcome> listener) {
        this.listener = java.util.Objects.requireNonNull(listener, "listener");
        return this;
    }

    /** An input file that cannot be opened at all. */
    public static final class UnreadableInputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableInputException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Replays {@code files} (files or directories) through {@code normalizer}.
     *
     * @throws UnreadableInputException when a file does not exist or cannot be opened (before
     *                                   anything is replayed: every file is checked first)
     */
    public ReplayReport run(String sourceId, EventNormalizer normalizer, List<Path> files) {
        return run(List.of(new ReplayInput(sourceId, normalizer, files)));
    }

    /**
     * Replays several sources in one run through one policy, all their events in one time order,
     * so the CloudTrail and the Okta System Log of one week can be replayed together.
     *
     * @throws UnreadableInputException when a file does not exist or cannot be opened (before
     *                                   anything is replayed: every file is checked first)
     */
    public ReplayReport run(List<ReplayInput> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("nothing to replay");
        }
        List<List<Path>> files = new ArrayList<>();
        for (ReplayInput input : inputs) {
            files.add(expand(input.files()));
        }
        ReplayClock clock = new ReplayClock(Instant.EPOCH);
        Ledger ledger = openLedger(clock);
        try (EventSort sort = new EventSort(options.memoryEvents(), options.spillDirectory())) {
            String source = String.join("+", inputs.stream().map(ReplayInput::source).distinct().toList());
            ReplayReport report = new ReplayReport(options, source);
            // raw records are read by rule sets only (the built-in detectors never look at them): without one loaded,
            // the sort neither holds nor spills them
            boolean keepRecords = !options.detectors().isEmpty();
            for (int i = 0; i < inputs.size(); i++) {
                int index = i;
                for (Path file : files.get(i)) {
                    readFile(file, inputs.get(i).normalizer(), keepRecords, (event, record) -> sort.add(index, event, record),
                            report::onRejected);
                }
            }
            io.itdr.core.pipeline.ResponseEngine engine = options.shadowEngine(clock, ledger);
            Intake intake = engine.intake(EventStore.NONE, CaseStore.NONE, clock.following(outcome -> {
                report.onOutcome(outcome);
                listener.accept(outcome);
            }));
            List<IdentityEvent> batch = new ArrayList<>(BATCH);
            List<String> records = new ArrayList<>(BATCH);
            sort.drain(entry -> {
                report.onAccepted(entry.event());
                batch.add(entry.event());
                records.add(entry.record());
                if (batch.size() == BATCH) {
                    intake.accept(source, batch, records);
                    batch.clear();
                    records.clear();
                }
            });
            intake.accept(source, batch, records);
            report.onDuplicates(sort.duplicates());
            report.onEvaluationErrors(engine.policyEngine().evaluationErrors());
            report.onLedger(ledger, options.ledgerFile());
            return report;
        } finally {
            if (ledger instanceof JsonlFileLedger file) {
                try {
                    file.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /**
     * Files as given, and directories' regular files (recursively, sorted by path, hidden files and
     * folders skipped), so a replay of the same folder is the same replay.
     */
    static List<Path> expand(List<Path> given) {
        List<Path> files = new ArrayList<>();
        for (Path path : given) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> !hidden(path, p) && Files.isRegularFile(p)).sorted().forEach(files::add);
                } catch (IOException | UncheckedIOException e) {
                    throw new UnreadableInputException(Printable.escape(path.toString()) + ": cannot list the directory: "
                            + Printable.clip(String.valueOf(e.getMessage()), 200), e);
                }
            } else if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
                throw new UnreadableInputException(Printable.escape(path.toString()) + ": no such readable file", null);
            } else {
                files.add(path);
            }
        }
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                throw new UnreadableInputException(Printable.escape(file.toString()) + ": no such readable file", null);
            }
        }
        return files;
    }

    /** Whether a name below {@code root} starts with a dot ({@code .git}, {@code .DS_Store}, partial downloads). */
    private static boolean hidden(Path root, Path path) {
        for (Path name : root.relativize(path)) {
            if (name.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** @param keepRecords whether the raw records are wanted: without, the sink tells the normalizer so and passes null */
    private static void readFile(Path file, EventNormalizer normalizer, boolean keepRecords, BiConsumer<IdentityEvent, String> events,
                                 Consumer<Rejection> rejections) {
        String name = Printable.escape(file.toString());
        try (InputStream in = Files.newInputStream(file)) {
            NormalizationSink sink = keepRecords
                    ? NormalizationSink.withRecords((event, location, record) -> events.accept(event, record), rejections::accept)
                    : NormalizationSink.of((event, location) -> events.accept(event, null), rejections::accept);
            normalizer.normalize(new RawPayload(file.toString(), null, in), sink);
        } catch (NoSuchFileException e) {
            throw new UnreadableInputException(name + ": no such file", e);
        } catch (ConnectorException e) {
            // The payload as a whole stopped being readable (truncated gzip, ...): what was read counts.
            rejections.accept(new Rejection(name, Printable.clip(e.getMessage(), 300)));
        } catch (IOException | UncheckedIOException e) {
            rejections.accept(new Rejection(name, "cannot be read further: " + Printable.clip(String.valueOf(e.getMessage()), 200)));
        }
    }

    private Ledger openLedger(ReplayClock clock) {
        Optional<Path> file = Optional.ofNullable(options.ledgerFile());
        return file.<Ledger>map(p -> JsonlFileLedger.open(p, clock)).orElseGet(() -> new InMemoryLedger(clock));
    }
}
