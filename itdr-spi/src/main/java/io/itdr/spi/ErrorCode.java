package io.itdr.spi;

/**
 * The standard error codes of the plugin contract. Each belongs to one {@link ErrorKind}.
 * Hosts branch on the code, never on the message text.
 */
public enum ErrorCode {
    /** A configuration property is missing, of the wrong type, or out of range. */
    CONFIG_INVALID(ErrorKind.CONFIGURATION, false),
    /** The connector does not support the requested capability, rung or action. */
    NOT_SUPPORTED(ErrorKind.NOT_SUPPORTED, false),
    /** The platform rejected the credentials (HTTP 401, InvalidClientTokenId, ...). */
    AUTHENTICATION_FAILED(ErrorKind.ACCESS, false),
    /** The credentials are valid but lack a permission (HTTP 403, AccessDenied, ...). */
    PERMISSION_DENIED(ErrorKind.ACCESS, false),
    /** The platform throttled the call (HTTP 429, Throttling, ...). Retry after {@link ConnectorException#retryAfter()}. */
    THROTTLED(ErrorKind.TRANSIENT, true),
    /** The platform failed or is unreachable (HTTP 5xx, connection refused). */
    UNAVAILABLE(ErrorKind.TRANSIENT, true),
    /** The call did not answer in time. The effect of a mutating call is unknown: reconcile, never retry blindly. */
    TIMEOUT(ErrorKind.TRANSIENT, true),
    /** The platform's answer (or a pushed payload) could not be parsed. */
    MALFORMED_RESPONSE(ErrorKind.MALFORMED, false),
    /** The target of an action does not exist on the platform. */
    NOT_FOUND(ErrorKind.STATE, false),
    /** The current state differs from the state an action left behind: revert refuses. */
    DRIFT(ErrorKind.STATE, false),
    /** The platform refused the change because of its current state (limits, conflicts). */
    CONFLICT(ErrorKind.STATE, false),
    /** The persisted cursor cannot be resumed from (expired, foreign, corrupt). */
    CURSOR_INVALID(ErrorKind.STATE, false),
    /** Anything else: a bug in the connector. */
    INTERNAL(ErrorKind.INTERNAL, false);

    private final ErrorKind kind;
    private final boolean retriable;

    ErrorCode(ErrorKind kind, boolean retriable) {
        this.kind = kind;
        this.retriable = retriable;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** Whether the same call may succeed if made again later. */
    public boolean retriable() {
        return retriable;
    }
}
