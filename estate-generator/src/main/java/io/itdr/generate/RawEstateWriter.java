package io.itdr.generate;

import io.itdr.fixture.record.RawRecord;
import io.itdr.spi.event.IdentityEvent;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a generated estate as the platforms' raw telemetry, streaming, one event at a time as
 * {@link EstateGenerator} hands them over ({@code itdr generate --raw}), into one directory:
 * <ul>
 *   <li>{@value #CLOUDTRAIL}: AWS events as a CloudTrail log file {@code {"Records":[…]}}, gzip, as
 *       CloudTrail delivers to S3: management events and, from the accounts whose trail selects
 *       them, data events ({@code "eventCategory":"Data"}: S3 objects, DynamoDB items, SQS
 *       messages). Data events land only here: CloudTrail event history (LookupEvents, what a
 *       polling connector reads) never holds them, so a consumer that serves this estate through
 *       LookupEvents must leave them out. The estate's GuardDuty findings ride in the same array,
 *       in time order, so that one file replays them (the AWS normalizer reads either record shape;
 *       a real trail file holds CloudTrail records only; GuardDuty exports its findings to S3 or
 *       EventBridge on its own);</li>
 *   <li>{@value #OKTA}: Okta events as the JSON array of LogEvents {@code GET /api/v1/logs} returns;</li>
 *   <li>{@value #OTHER}: every other event (GCP, Azure, and what {@link PlatformRecords} cannot
 *       render) in the normalized format;</li>
 *   <li>{@value #LABELS}: the ground truth under the ids the normalizers give the read-back events
 *       (a GuardDuty finding's id is {@code <finding id>@<updatedAt>}).</li>
 * </ul>
 * Replay: {@code itdr replay --source aws --events raw/aws-cloudtrail.json.gz --source okta --events
 * raw/okta-system-log.json --source normalized --events raw/other-platforms.jsonl}.
 *
 * <p>What differs from replaying {@code events.jsonl}, because the platforms' records do not carry
 * it (asserted in {@code itdr-server}'s {@code CliGenerateRawTest}):
 * <ul>
 *   <li>CloudTrail records carry no ASN and no location: AWS sources are networks by /24, not by
 *       AS, and without a GeoIP resolver impossible travel cannot be seen on AWS identities;</li>
 *   <li>AWS sessions are told apart by their temporary key ({@code ASIA…}), which becomes the
 *       event's credential (see {@link io.itdr.fixture.aws.CloudTrailRecords}); a GuardDuty finding has no user agent
 *       and its outcome is unknown; IAM calls are categorised by CloudTrail's event name
 *       ({@code iam:CreateUser} is an identity change);</li>
 *   <li>a LogEvent names neither the org nor a service app's client secret: Okta events have no
 *       tenant and no credential; neither platform names the generated workloads (Kubernetes
 *       deployments, CI jobs), nor a session's issue time on Okta.</li>
 * </ul>
 *
 * <p>Not thread-safe: one generating thread writes. Close it to finish the files.
 */
public final class RawEstateWriter implements EstateGenerator.EventSink, Closeable {
    public static final String CLOUDTRAIL = "aws-cloudtrail.json.gz";
    public static final String OKTA = "okta-system-log.json";
    public static final String OTHER = "other-platforms.jsonl";
    public static final String LABELS = "labels.jsonl";

    /** How many records went to each file. */
    public record Counts(long cloudTrailRecords, long guardDutyFindings, long oktaLogEvents, long normalizedEvents) {
    }

    private final Writer cloudTrail;
    private final Writer okta;
    private final Writer other;
    private final Writer labels;
    private long cloudTrailRecords;
    private long guardDutyFindings;
    private long oktaLogEvents;
    private long normalizedEvents;
    private boolean closed;

    private RawEstateWriter(Writer cloudTrail, Writer okta, Writer other, Writer labels) {
        this.cloudTrail = cloudTrail;
        this.okta = okta;
        this.other = other;
        this.labels = labels;
    }

    /** Creates {@code dir} if missing and opens the four files in it, replacing what they held. */
    public static RawEstateWriter open(Path dir) throws IOException {
        Files.createDirectories(dir);
        Writer cloudTrail = null;
        Writer okta = null;
        Writer other = null;
        try {
            OutputStream gzip = new GZIPOutputStream(new BufferedOutputStream(Files.newOutputStream(dir.resolve(CLOUDTRAIL)), 1 << 16), 1 << 16);
            cloudTrail = new OutputStreamWriter(gzip, StandardCharsets.UTF_8);
            cloudTrail.write("{\"Records\":[");
            okta = Files.newBufferedWriter(dir.resolve(OKTA), StandardCharsets.UTF_8);
            okta.write('[');
            other = Files.newBufferedWriter(dir.resolve(OTHER), StandardCharsets.UTF_8);
            Writer labels = Files.newBufferedWriter(dir.resolve(LABELS), StandardCharsets.UTF_8);
            return new RawEstateWriter(cloudTrail, okta, other, labels);
        } catch (IOException | RuntimeException e) {
            for (Writer w : new Writer[]{cloudTrail, okta, other}) {
                if (w != null) {
                    try {
                        w.close();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
            }
            throw e;
        }
    }

    @Override
    public void accept(IdentityEvent event, String family) throws IOException {
        Objects.requireNonNull(event, "event");
        if (closed) {
            throw new IllegalStateException("the raw estate writer is closed");
        }
        RawRecord record = PlatformRecords.render(event).orElse(null);
        String id;
        if (record == null) {
            other.write(EstateJson.write(event));
            other.write('\n');
            normalizedEvents++;
            id = event.id();
        } else {
            switch (record.format()) {
                case CLOUDTRAIL, GUARDDUTY -> {
                    cloudTrail.write(cloudTrailRecords + guardDutyFindings == 0 ? "\n" : ",\n");
                    cloudTrail.write(record.json());
                    if (record.format() == RawRecord.Format.CLOUDTRAIL) {
                        cloudTrailRecords++;
                    } else {
                        guardDutyFindings++;
                    }
                }
                case OKTA_LOG_EVENT -> {
                    okta.write(oktaLogEvents == 0 ? "\n" : ",\n");
                    okta.write(record.json());
                    oktaLogEvents++;
                }
            }
            id = record.eventId();
        }
        labels.write(EstateGenerator.label(id, family));
    }

    /** What was written so far. */
    public Counts counts() {
        return new Counts(cloudTrailRecords, guardDutyFindings, oktaLogEvents, normalizedEvents);
    }

    /** Closes the arrays and the files; a second call does nothing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        try {
            cloudTrail.write("\n]}\n");
            okta.write("\n]\n");
        } catch (IOException e) {
            failure = e;
        }
        for (Writer w : new Writer[]{cloudTrail, okta, other, labels}) {
            try {
                w.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
