package io.itdr.core.generate;

import java.time.Instant;
import java.util.Objects;

/**
 * One generated event as its platform records it. Immutable.
 *
 * @param format  which platform record it is; never null
 * @param eventId the id the platform's normalizer gives the event it reads back from this record
 *                (the generated event's id, except for a GuardDuty finding: {@code <finding id>@<updatedAt>});
 *                never null
 * @param time    when it happened, as the record says; never null
 * @param json    the record as one line of JSON; never null
 */
public record RawRecord(Format format, String eventId, Instant time, String json) {

    /** The platform record formats the generator writes. */
    public enum Format {
        /** A CloudTrail record (an element of a log file's {@code Records}, or a LookupEvents {@code CloudTrailEvent}). */
        CLOUDTRAIL,
        /** A GuardDuty finding, as exported or returned by GetFindings. */
        GUARDDUTY,
        /** An Okta System Log LogEvent, as {@code GET /api/v1/logs} lists it. */
        OKTA_LOG_EVENT
    }

    public RawRecord {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(json, "json");
    }
}
