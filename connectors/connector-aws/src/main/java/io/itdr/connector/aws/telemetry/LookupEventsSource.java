package io.itdr.connector.aws.telemetry;

import io.itdr.connector.aws.AwsErrors;
import io.itdr.connector.aws.normalize.CloudTrailNormalizer;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.Cursor;
import io.itdr.spi.telemetry.Rejection;
import io.itdr.spi.telemetry.TelemetryBatch;
import io.itdr.spi.telemetry.TelemetrySource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

/**
 * Polls CloudTrail event history (management events of the configured region) with LookupEvents
 * (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
 *
 * <p>LookupEvents lists a time range newest first, in pages with a NextToken, and its times are
 * whole seconds. The contract wants oldest first and an exact resume, so each poll reads the
 * window from the cursor's time (StartTime, inclusive) to now minus the settle delay (EndTime,
 * inclusive), sorts it by (time, EventId), skips the events the cursor says were delivered at its
 * time, and returns the oldest {@code maxEvents}; the next cursor is a {@link LookupPosition}.
 * When the window holds more than a batch, it is narrowed to an oldest part that holds something
 * new (guessed from the density of the newest events seen, then bisected), so a poll does not page
 * through a whole day; the batch then says {@code hasMore}. Only a single second holding more
 * than a batch is paged through whole.
 *
 * <p>Late events: CloudTrail makes an event visible some minutes after it happened (usually about
 * 5, at most about 15). Polling never reads closer to now than the settle delay, so an event
 * visible within that delay is not skipped. Once everything settled is delivered, the cursor stays
 * at the last event delivered (in a quiet feed, at most the lookback behind the settled time), so
 * an event delivered later still but dated after that last event is read too. An event delivered
 * later than the settle delay and dated before the last event delivered is missed by polling: a
 * documented limitation of polling event history (the trail's S3 files have everything, and
 * replay reads them).
 *
 * <p>Rate: AWS allows two LookupEvents calls per second per account and region; throttling
 * surfaces as {@code THROTTLED} (after the SDK's own retries, per {@code max-attempts}). A cursor
 * older than the 90 days AWS keeps is refused with {@code CURSOR_INVALID}.
 *
 * <p>Each event's {@code CloudTrailEvent} string is normalized by {@link CloudTrailNormalizer}, as
 * exported trail files are; a record it cannot read becomes a {@link Rejection} and the batch goes on.
 *
 * <p>Thread-safe and stateless: the cursor is the whole position.
 */
public final class LookupEventsSource implements TelemetrySource {
    /** The most events LookupEvents returns per call. */
    static final int PAGE_SIZE = 50;
    private static final String OPERATION = "cloudtrail:LookupEvents";
    private static final Duration SMALLEST_WINDOW = Duration.ofSeconds(1);
    private static final Comparator<Event> PLATFORM_ORDER = Comparator.comparing(Event::eventTime).thenComparing(Event::eventId);

    private final CloudTrailClient cloudTrail;
    private final LookupEventsSettings settings;
    private final CloudTrailNormalizer normalizer;
    private final Clock clock;

    /**
     * @param cloudTrail the client; never null; closed by its owner, not here
     * @param settings   settle delay, lookback and lookup attribute; never null
     * @param normalizer reads each event's CloudTrailEvent; never null
     * @param clock      "now" for the window's end and the start cursor; never null
     */
    public LookupEventsSource(CloudTrailClient cloudTrail, LookupEventsSettings settings, CloudTrailNormalizer normalizer, Clock clock) {
        this.cloudTrail = Objects.requireNonNull(cloudTrail, "cloudTrail");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public TelemetryBatch poll(Cursor cursor, int maxEvents) {
        Objects.requireNonNull(cursor, "cursor");
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be at least 1: " + maxEvents);
        }
        Instant now = clock.instant();
        Instant settled = now.minus(settings.settleDelay()).truncatedTo(ChronoUnit.SECONDS);
        LookupPosition from;
        if (cursor.isStart()) {
            from = new LookupPosition(now.minus(settings.lookback()).truncatedTo(ChronoUnit.SECONDS), Set.of());
        } else {
            from = LookupPosition.of(cursor);
            if (from.time().isBefore(now.minus(LookupEventsSettings.RETENTION))) {
                throw LookupPosition.invalid(cursor, "it is at " + from.time() + ", beyond the 90 days of CloudTrail event history:"
                        + " the events after it are gone; poll from the start");
            }
        }
        if (from.time().isAfter(settled)) {
            // the settle delay grew, or the clock went back: nothing is settled after the cursor yet
            return new TelemetryBatch(List.of(), List.of(), cursor, false);
        }

        int budget = (int) Math.min(Integer.MAX_VALUE, (long) maxEvents + from.delivered().size());
        Window found = window(from, settled, budget);

        List<Event> window = new ArrayList<>(found.events());
        window.sort(PLATFORM_ORDER);
        List<Event> fresh = window.stream().filter(e -> !from.delivered().contains(e.eventId())).toList();
        List<Event> taken = fresh.subList(0, Math.min(maxEvents, fresh.size()));
        boolean rest = fresh.size() > taken.size();
        boolean narrowed = found.end().isBefore(settled);
        LookupPosition next = nextPosition(from, window, taken, rest ? null : found.end(), narrowed, settled);

        CollectingSink sink = new CollectingSink();
        for (Event e : taken) {
            normalizer.normalizeLookupEvent(e.cloudTrailEvent(), "LookupEvents EventId=" + e.eventId() + " (EventTime " + e.eventTime() + ")",
                    "cloudtrail:LookupEvents/" + e.eventId(), sink);
        }
        return TelemetryBatch.of(sink, next.toCursor(), rest || narrowed);
    }

    /**
     * Where the next poll resumes: everything before the returned time is delivered, and at that
     * time exactly the events of {@code window} delivered before or {@code taken} now.
     *
     * @param window    the window's events in platform order
     * @param taken     the events this batch delivers, a prefix of the window's new events
     * @param windowEnd the window's end when all its new events were taken; null when some remain
     * @param narrowed  whether the window ends before the settled time
     */
    private LookupPosition nextPosition(LookupPosition from, List<Event> window, List<Event> taken, Instant windowEnd,
                                        boolean narrowed, Instant settled) {
        Instant reached;
        if (windowEnd == null) {
            reached = taken.get(taken.size() - 1).eventTime();
        } else if (narrowed) {
            reached = windowEnd; // cut short because more events follow: its end is where the next poll starts
        } else {
            // The whole settled window is delivered. Stay at the last event, so that an event AWS delivers after
            // the settle delay but dated after it is still read; in a quiet feed, lag the settled time by no more
            // than the lookback, so the cursor never drifts out of the 90 days AWS keeps.
            Instant last = taken.isEmpty() ? from.time() : taken.get(taken.size() - 1).eventTime();
            Instant horizon = settled.minus(settings.lookback());
            reached = last.isBefore(horizon) ? horizon : last;
        }
        Set<String> takenIds = new HashSet<>();
        taken.forEach(e -> takenIds.add(e.eventId()));
        Set<String> delivered = new HashSet<>();
        for (Event e : window) {
            if (e.eventTime().equals(reached) && (takenIds.contains(e.eventId()) || from.delivered().contains(e.eventId()))) {
                delivered.add(e.eventId());
            }
        }
        return new LookupPosition(reached, delivered);
    }

    /** The events of [start, end] read so far, newest first as AWS lists them; complete when the last page was read. */
    private record Lookup(List<Event> events, boolean complete) {
    }

    /**
     * Pages through [start, end] until the last page, or until more than {@code budget} events are
     * read and more pages remain (incomplete: the window is too large for one batch).
     */
    private Lookup lookup(Instant start, Instant end, int budget) {
        Map<String, Event> byId = new LinkedHashMap<>();
        Set<String> tokens = new HashSet<>();
        String token = null;
        while (true) {
            LookupEventsRequest.Builder request = LookupEventsRequest.builder()
                    .startTime(start).endTime(end).maxResults(PAGE_SIZE).nextToken(token);
            if (settings.hasAttribute()) {
                request.lookupAttributes(LookupAttribute.builder()
                        .attributeKey(settings.attributeKey()).attributeValue(settings.attributeValue()).build());
            }
            LookupEventsRequest built = request.build();
            String resource = "events " + start + " to " + end;
            LookupEventsResponse page = AwsErrors.call(OPERATION, resource, () -> cloudTrail.lookupEvents(built));
            for (Event e : page.events()) {
                if (e.eventId() == null || e.eventId().isBlank() || e.eventTime() == null) {
                    throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, OPERATION + " on " + resource
                            + ": an event without EventId or EventTime cannot be placed in order");
                }
                // AWS honours the range; an event outside it would break the cursor's arithmetic, so it waits for its own window
                if (!e.eventTime().isBefore(start) && !e.eventTime().isAfter(end)) {
                    byId.putIfAbsent(e.eventId(), e);
                }
            }
            token = page.nextToken();
            if (token == null || token.isEmpty()) {
                return new Lookup(List.copyOf(byId.values()), true);
            }
            if (!tokens.add(token)) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, OPERATION + " on " + resource + ": NextToken repeats an earlier one");
            }
            if (byId.size() > budget) {
                return new Lookup(List.copyOf(byId.values()), false);
            }
        }
    }

    /** The events of [from, end], the window a batch is taken from. */
    private record Window(List<Event> events, Instant end) {
    }

    /**
     * The window from the cursor to {@code settled}, or, when that holds more than {@code budget}
     * events, a shorter one ending earlier that holds something new but no more than a batch. The
     * first guess assumes the density of the newest events seen; a guess that turns out empty is
     * followed by bisection between what is known empty and what is known too full, so a long quiet
     * stretch costs about log2(seconds) calls, not one poll per guess. A second holding more than a
     * batch by itself is read whole.
     */
    private Window window(LookupPosition from, Instant settled, int budget) {
        Lookup whole = lookup(from.time(), settled, budget);
        if (whole.complete()) {
            return new Window(whole.events(), settled);
        }
        Instant quiet = from.time(); // [from, quiet] holds nothing new
        Instant busy = settled;      // [from, busy] holds more than a batch
        Instant end = shorterEnd(quiet, busy, densityGuess(whole.events(), busy, budget));
        while (end.isBefore(busy)) {
            Lookup probe = lookup(from.time(), end, budget);
            if (!probe.complete()) {
                busy = end;
                end = shorterEnd(quiet, busy, densityGuess(probe.events(), busy, budget));
            } else if (probe.events().stream().anyMatch(e -> !from.delivered().contains(e.eventId()))) {
                return new Window(probe.events(), end);
            } else {
                quiet = end;
                end = shorterEnd(quiet, busy, Long.MAX_VALUE);
            }
        }
        // (quiet, busy] is one second with more than a batch: only reading it all orders it
        return new Window(lookup(from.time(), busy, Integer.MAX_VALUE).events(), busy);
    }

    /** How long a window should be to hold about {@code budget} events, at the density of {@code newest}, which end at {@code busy}. */
    static long densityGuess(List<Event> newest, Instant busy, int budget) {
        Instant oldestSeen = newest.stream().map(Event::eventTime).min(Comparator.naturalOrder()).orElse(busy);
        long seenSpan = Math.max(1, Duration.between(oldestSeen, busy).toMillis());
        return (long) ((double) seenSpan * budget / Math.max(1, newest.size()));
    }

    /**
     * An end after {@code quiet} for a window of about {@code proposedMillis}: at most half of
     * (quiet, busy], whole seconds, at least {@link #SMALLEST_WINDOW}. Not before {@code busy} when
     * (quiet, busy] cannot be split further.
     */
    static Instant shorterEnd(Instant quiet, Instant busy, long proposedMillis) {
        long span = Duration.between(quiet, busy).toMillis();
        long length = Math.min(proposedMillis, span / 2);
        length = Math.max(SMALLEST_WINDOW.toMillis(), length - length % 1000);
        return quiet.plusMillis(length);
    }

    @Override
    public String toString() {
        return "LookupEventsSource[settleDelay=" + settings.settleDelay() + ", lookback=" + settings.lookback()
                + (settings.hasAttribute() ? ", attribute=" + settings.attributeKey() + "=" + settings.attributeValue() : "") + "]";
    }
}
