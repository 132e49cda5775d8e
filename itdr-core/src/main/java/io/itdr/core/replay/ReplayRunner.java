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
import java.util.function.Consumer;

/**
 * {@code itdr replay}: streams exported telemetry through a policy in shadow mode and reports
 * what would have happened. Never acts (no executor is registered and every decision is forced
 * to shadow). Never stops on a bad record: it is counted as rejected with its file, line and
 * reason. Memory stays bounded for inputs larger than the heap: events stream through a bounded
 * reorder window; what grows is the detector state (bounded per identity, capped in identities)
 * and the findings and decisions kept for the report.
 *
 * <p>Not thread-safe; one run per instance.
 */
public final class ReplayRunner {
    /** Events handed to the intake at a time. */
    private static final int BATCH = 1000;

    private final ReplayOptions options;

    public ReplayRunner(ReplayOptions options) {
        this.options = options;
    }

    /** An input file that cannot be opened at all. */
    public static final class UnreadableInputException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableInputException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Replays {@code files} in the order given through {@code normalizer}.
     *
     * @throws UnreadableInputException when a file does not exist or cannot be opened (before
     *                                   anything is replayed: every file is checked first)
     */
    public ReplayReport run(String sourceId, EventNormalizer normalizer, List<Path> files) {
        return run(List.of(new ReplayInput(sourceId, normalizer, files)));
    }

    /**
     * Replays several sources in one run through one policy: each source's files are read in the
     * order given, and the sources are merged by event time ({@link SourceMerge}), so the CloudTrail
     * and the Okta System Log of one week can be replayed together.
     *
     * @throws UnreadableInputException when a file does not exist or cannot be opened (before
     *                                   anything is replayed: every file is checked first)
     */
    public ReplayReport run(List<ReplayInput> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("nothing to replay");
        }
        for (ReplayInput input : inputs) {
            for (Path file : input.files()) {
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw new UnreadableInputException(Printable.escape(file.toString()) + ": no such readable file", null);
                }
            }
        }
        ReplayClock clock = new ReplayClock(Instant.EPOCH);
        Ledger ledger = openLedger(clock);
        try {
            String source = String.join("+", inputs.stream().map(ReplayInput::source).distinct().toList());
            ReplayReport report = new ReplayReport(options, source);
            Intake intake = options.shadowEngine(clock, ledger)
                    .intake(EventStore.NONE, CaseStore.NONE, clock.following(report::onOutcome));
            List<IdentityEvent> batch = new ArrayList<>(BATCH);
            TimeOrder order = new TimeOrder(options.reorderWindow(), 200_000, event -> {
                batch.add(event);
                if (batch.size() == BATCH) {
                    intake.accept(source, batch);
                    batch.clear();
                }
            });
            Consumer<SourceMerge.Item> into = item -> {
                if (item instanceof SourceMerge.Event e) {
                    offer(order, e.event(), e.location(), report);
                } else if (item instanceof SourceMerge.Rejected r) {
                    report.onRejected(r.rejection());
                }
            };
            if (inputs.size() == 1) {
                read(inputs.get(0), into); // one source: no threads, no merge
            } else {
                SourceMerge.merge(inputs.stream().<SourceMerge.Reader>map(input -> sink -> read(input, sink)).toList(), into);
            }
            order.flush();
            intake.accept(source, batch);
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

    private void offer(TimeOrder order, IdentityEvent event, String where, ReplayReport report) {
        switch (order.offer(event)) {
            case HELD -> report.onAccepted(event);
            case DUPLICATE -> report.onRejected(new Rejection(where,
                    "duplicate of an earlier event with id " + Printable.clip(event.id(), 80)));
            case LATE -> report.onRejected(new Rejection(where,
                    "event " + Printable.clip(event.id(), 80) + " at " + event.time() + " is " + order.behind(event)
                            + " older than events already processed, beyond the reorder window of "
                            + options.reorderWindow() + " (sort the input, or pass the files in time order)"));
        }
    }

    /** Reads one source's files in order, handing each record to {@code sink} as an event or a rejection. */
    private static void read(ReplayInput input, Consumer<SourceMerge.Item> sink) {
        for (Path file : input.files()) {
            readFile(file, input.normalizer(), sink);
        }
    }

    private static void readFile(Path file, EventNormalizer normalizer, Consumer<SourceMerge.Item> sink) {
        String name = Printable.escape(file.toString());
        long[] ordinal = new long[1];
        try (InputStream in = Files.newInputStream(file)) {
            normalizer.normalize(new RawPayload(file.toString(), null, in), NormalizationSink.of((event, location) -> {
                ordinal[0]++;
                // Where the normalizer said the record was; else its position among the file's events.
                sink.accept(new SourceMerge.Event(event, location != null ? Printable.escape(location) : name + ":event " + ordinal[0]));
            }, rejection -> sink.accept(new SourceMerge.Rejected(rejection))));
        } catch (NoSuchFileException e) {
            throw new UnreadableInputException(name + ": no such file", e);
        } catch (ConnectorException e) {
            // The payload as a whole stopped being readable (truncated gzip, ...): what was read counts.
            sink.accept(new SourceMerge.Rejected(new Rejection(name, Printable.clip(e.getMessage(), 300))));
        } catch (IOException | UncheckedIOException e) {
            sink.accept(new SourceMerge.Rejected(new Rejection(name, "cannot be read further: "
                    + Printable.clip(String.valueOf(e.getMessage()), 200))));
        }
    }

    private Ledger openLedger(ReplayClock clock) {
        Optional<Path> file = Optional.ofNullable(options.ledgerFile());
        return file.<Ledger>map(p -> JsonlFileLedger.open(p, clock)).orElseGet(() -> new InMemoryLedger(clock));
    }
}
