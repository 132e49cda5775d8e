package io.itdr.connector.tck;

import io.itdr.spi.ErrorCode;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A failure the kit asks a {@link Sandbox} to answer with, and the standard error a connector
 * must turn it into. Immutable.
 *
 * @param kind       what the platform does; never null
 * @param retryAfter for {@link Kind#THROTTLED}, the wait the platform asks for (HTTP
 *                   {@code Retry-After}); null for every other kind
 */
public record Fault(Kind kind, Duration retryAfter) {

    /** The failures every connector must map, each to one standard code. */
    public enum Kind {
        /** HTTP 429 (or the platform's throttling error) with a retry-after. */
        THROTTLED(ErrorCode.THROTTLED),
        /** HTTP 5xx. */
        SERVER_ERROR(ErrorCode.UNAVAILABLE),
        /** The connection is dropped without an answer. */
        CONNECTION_RESET(ErrorCode.UNAVAILABLE),
        /**
         * No answer within the connector's request timeout. The kit's context sets
         * {@link ConnectorTck#REQUEST_TIMEOUT}; a sandbox delays its answer to twice that.
         */
        TIMEOUT(ErrorCode.TIMEOUT),
        /** A success status whose body cannot be parsed at all. */
        MALFORMED_BODY(ErrorCode.MALFORMED_RESPONSE),
        /** HTTP 401: the credentials are refused. */
        BAD_CREDENTIALS(ErrorCode.AUTHENTICATION_FAILED),
        /** HTTP 403: the credentials lack a permission. */
        PERMISSION_DENIED(ErrorCode.PERMISSION_DENIED);

        private final ErrorCode expected;

        Kind(ErrorCode expected) {
            this.expected = expected;
        }

        /** The code a connector must raise for this failure. */
        public ErrorCode expectedCode() {
            return expected;
        }
    }

    public Fault {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.THROTTLED) != (retryAfter != null)) {
            throw new IllegalArgumentException("a retry-after is given for THROTTLED, and only for it: " + kind);
        }
    }

    /** Every kind, throttling with {@code retryAfter}. */
    public static List<Fault> all(Duration retryAfter) {
        return Arrays.stream(Kind.values())
                .map(k -> new Fault(k, k == Kind.THROTTLED ? retryAfter : null))
                .toList();
    }

    /** The code a connector must raise for this failure. */
    public ErrorCode expectedCode() {
        return kind.expectedCode();
    }
}
