package io.itdr.connector.aws.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.itdr.connector.aws.AwsErrors;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads a trail's log files by listing its bucket: {@code telemetry=trail-s3-scan}, the fallback
 * without a notification queue and the way to backfill.
 *
 * <p>A trail writes one folder per account and region
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html):
 * {@code <prefix>AWSLogs/[o-<org id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<id>.json.gz}.
 * Each poll finds those folders (ListObjectsV2 with a delimiter, so new accounts and regions are
 * picked up) and keeps a position per folder in the cursor: the last file read whole
 * ({@code StartAfter} of the next ListObjectsV2, https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html,
 * which lists keys in UTF-8 binary order — the order of the time in their names), and for a file read
 * in part, its key and the record index reached. A folder seen for the first time is read from
 * {@code trail-scan-lookback} before now. Files of all folders are read oldest name first, so the
 * events of several accounts and regions arrive roughly in time order.
 *
 * <p>Late files: a file is read only when the time in its name is older than
 * {@code trail-scan-settle-delay}, so that files of the same minute are all written before the scan
 * moves past them. A file that appears later still with an older name is skipped by a scan (the
 * queue path, {@link TrailQueueSource}, has no such gap).
 *
 * <p>Each poll lists every folder once (with an organization trail: one call per account plus one
 * per account and region); keep the poll interval in minutes for large organizations.
 *
 * <p>Thread-safe and stateless: the cursor is the whole position.
 */
public final class TrailScanSource implements TelemetrySource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KIND = "trail-s3-scan";
    private static final Pattern KEY_TIME = Pattern.compile("_(\\d{8}T\\d{4}Z)_[A-Za-z0-9]+\\.json\\.gz$");
    private static final DateTimeFormatter NAME_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'");
    private static final DateTimeFormatter DAY_FOLDER = DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);
    private static final Pattern ORG = Pattern.compile("o-[a-z0-9]{10,32}/");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}/");
    /** Keys asked for per folder and listing. */
    private static final int LIST_PAGE = 100;

    private final S3Client s3;
    private final TrailObjectReader reader;
    private final TrailDeliverySettings settings;
    private final Clock clock;

    TrailScanSource(S3Client s3, TrailObjectReader reader, TrailDeliverySettings settings, Clock clock) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Where one folder is: everything up to {@code after} was read; {@code key} is read up to record {@code skip}. */
    private static final class Position {
        String after;
        String key;
        long skip;
        /** Listed files after {@code after} (and after {@code key}), oldest first; not persisted. */
        Deque<String> listed;
        boolean exhausted;

        Position(String after, String key, long skip) {
            this.after = after;
            this.key = key;
            this.skip = skip;
        }
    }

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        Objects.requireNonNull(cursor, "cursor");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        Instant now = clock.instant();
        Instant settled = now.minus(settings.scanSettle());
        Map<String, Position> positions = read(cursor);
        String start = DAY_FOLDER.format(now.minus(settings.scanLookback()));
        for (String folder : folders()) {
            positions.computeIfAbsent(folder, f -> new Position(f + start, null, 0));
        }
        CollectingSink out = new CollectingSink();
        boolean full = false;
        while (true) {
            int room = maxEvents - out.events().size() - out.rejections().size();
            if (room <= 0) {
                full = true;
                break;
            }
            // the folder whose next file is oldest by name
            String folder = null;
            String next = null;
            for (Map.Entry<String, Position> e : positions.entrySet()) {
                String candidate = head(e.getKey(), e.getValue(), settled);
                if (candidate != null && (next == null || nameTime(candidate).compareTo(nameTime(next)) < 0)) {
                    folder = e.getKey();
                    next = candidate;
                }
            }
            if (folder == null) {
                break;
            }
            Position p = positions.get(folder);
            long skip = next.equals(p.key) ? p.skip : 0;
            TrailObjectReader.Progress progress = reader.readObject(settings.bucket(), next, skip, room, out);
            if (progress.finished()) {
                p.after = next;
                p.key = null;
                p.skip = 0;
                if (p.listed != null && !p.listed.isEmpty() && p.listed.peekFirst().equals(next)) {
                    p.listed.removeFirst();
                }
            } else {
                p.key = next;
                p.skip = progress.consumed();
                full = true;
                break;
            }
        }
        return TelemetryBatch.of(out, write(positions), full);
    }

    /** The next settled log file of a folder, listing more when needed; null when it has none now. */
    private String head(String folder, Position p, Instant settled) {
        if (p.key != null) {
            return p.key; // a file read in part comes first
        }
        if (p.listed == null || (p.listed.isEmpty() && !p.exhausted)) {
            p.listed = new ArrayDeque<>();
            String after = p.after;
            ListObjectsV2Response page = AwsErrors.call("s3:ListBucket", "s3://" + settings.bucket() + "/" + folder,
                    () -> s3.listObjectsV2(b -> b.bucket(settings.bucket()).prefix(folder).startAfter(after).maxKeys(LIST_PAGE)));
            for (S3Object o : page.contents()) {
                if (QueueMessage.LOG_FILE.matcher(o.key()).matches()) {
                    p.listed.addLast(o.key());
                } else if (p.listed.isEmpty()) {
                    p.after = o.key(); // not a log file (a digest, a stray object): passed over for good
                }
            }
            p.exhausted = !Boolean.TRUE.equals(page.isTruncated());
            if (p.listed.isEmpty() && !p.exhausted) {
                return head(folder, p, settled); // a page of other objects only: list on
            }
        }
        String first = p.listed.peekFirst();
        if (first == null || nameTime(first).isAfter(settled)) {
            return null;
        }
        return first;
    }

    private static Instant nameTime(String key) {
        Matcher m = KEY_TIME.matcher(key);
        if (!m.find()) {
            return Instant.MAX; // cannot happen for keys matching LOG_FILE
        }
        return LocalDateTime.parse(m.group(1), NAME_TIME).toInstant(ZoneOffset.UTC);
    }

    /** The trail's folders: {@code <prefix>AWSLogs/[o-…/]<account>/CloudTrail/<region>/}. */
    private List<String> folders() {
        List<String> folders = new ArrayList<>();
        String root = settings.prefix() + "AWSLogs/";
        for (String child : children(root)) {
            String name = child.substring(root.length());
            if (ORG.matcher(name).matches()) {
                for (String account : children(child)) {
                    if (ACCOUNT.matcher(account.substring(child.length())).matches()) {
                        folders.addAll(children(account + "CloudTrail/"));
                    }
                }
            } else if (ACCOUNT.matcher(name).matches()) {
                folders.addAll(children(child + "CloudTrail/"));
            }
        }
        return folders;
    }

    /** The common prefixes one level below {@code prefix}. */
    private List<String> children(String prefix) {
        List<String> children = new ArrayList<>();
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = AwsErrors.call("s3:ListBucket", "s3://" + settings.bucket() + "/" + prefix,
                    () -> s3.listObjectsV2(b -> b.bucket(settings.bucket()).prefix(prefix).delimiter("/").continuationToken(continuation)));
            for (CommonPrefix common : page.commonPrefixes()) {
                children.add(common.prefix());
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return children;
    }

    private static Map<String, Position> read(Cursor cursor) {
        Map<String, Position> positions = new TreeMap<>();
        if (cursor.isStart()) {
            return positions;
        }
        try {
            JsonNode root = JSON.readTree(cursor.value());
            if (root == null || !KIND.equals(root.path("kind").asText())) {
                throw new ConnectorException(ErrorCode.CURSOR_INVALID, "connector 'aws': the cursor is not a trail-s3-scan cursor "
                        + "(the telemetry path was changed?); poll from the start to scan from trail-scan-lookback");
            }
            root.path("folders").fields().forEachRemaining(e -> positions.put(e.getKey(), new Position(e.getValue().get("after").asText(),
                    e.getValue().hasNonNull("key") ? e.getValue().get("key").asText() : null, e.getValue().path("skip").asLong())));
            return positions;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ConnectorException c) {
                throw c;
            }
            throw new ConnectorException(ErrorCode.CURSOR_INVALID, "connector 'aws': the trail-s3-scan cursor is damaged ("
                    + e.getClass().getSimpleName() + "); poll from the start to scan from trail-scan-lookback", e);
        }
    }

    private static Cursor write(Map<String, Position> positions) {
        ObjectNode root = JSON.createObjectNode().put("kind", KIND);
        ObjectNode folders = root.putObject("folders");
        positions.forEach((folder, p) -> {
            ObjectNode node = folders.putObject(folder).put("after", p.after);
            if (p.key != null) {
                node.put("key", p.key).put("skip", p.skip);
            }
        });
        return new Cursor(root.toString());
    }

    @Override
    public String toString() {
        return "TrailScanSource[s3://" + settings.bucket() + "/" + settings.prefix() + "]";
    }
}
