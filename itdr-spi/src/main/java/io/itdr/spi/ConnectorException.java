package io.itdr.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type that crosses the plugin boundary. Connectors translate every SDK or
 * HTTP failure into it, so the host can decide on retries, breakers and alerts without knowing
 * the platform.
 *
 * <p>Messages must never contain secret values (tokens, keys, client secrets): hosts log them.
 * Immutable and thread-safe.
 */
public class ConnectorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient Duration retryAfter;

    public ConnectorException(ErrorCode code, String message) {
        this(code, message, null, null);
    }

    public ConnectorException(ErrorCode code, String message, Throwable cause) {
        this(code, message, null, cause);
    }

    /**
     * @param code       the standard code; never null
     * @param message    what went wrong and where, without secrets; never null
     * @param retryAfter how long to wait before retrying, as the platform said (Retry-After,
     *                   X-Rate-Limit-Reset); may be null when unknown or not retriable
     * @param cause      the underlying failure; may be null
     */
    public ConnectorException(ErrorCode code, String message, Duration retryAfter, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
        }
        this.retryAfter = retryAfter;
    }

    /** The standard error for a capability, rung or action a connector does not offer. */
    public static ConnectorException notSupported(String connectorId, String what) {
        return new ConnectorException(ErrorCode.NOT_SUPPORTED,
                "Connector '" + connectorId + "' does not support " + what);
    }

    /** A retriable failure with the wait the platform asked for (may be null). */
    public static ConnectorException retriable(ErrorCode code, String message, Duration retryAfter, Throwable cause) {
        if (!code.retriable()) {
            throw new IllegalArgumentException(code + " is not a retriable code");
        }
        return new ConnectorException(code, message, retryAfter, cause);
    }

    public ErrorCode code() {
        return code;
    }

    public ErrorKind kind() {
        return code.kind();
    }

    public boolean retriable() {
        return code.retriable();
    }

    /** The wait the platform asked for; empty when it said nothing. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public String toString() {
        return "ConnectorException[" + code + "]: " + getMessage();
    }
}
