package io.itdr.connector.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.microsoft.aad.msal4j.MsalServiceException;
import io.itdr.connector.support.JsonFields;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * The one mapping of Microsoft Graph's and Azure Resource Manager's failures to the standard codes, shared by the raw
 * client ({@link GraphHttp}: log pages, the beta sign-in log, ARM) and the Graph SDK ({@link GraphSdk}: inventory and
 * actions) (https://learn.microsoft.com/en-us/graph/errors, https://learn.microsoft.com/en-us/graph/throttling):
 * 429 → THROTTLED with the {@code Retry-After} Graph sends (seconds or an HTTP date); 5xx, a dropped connection →
 * UNAVAILABLE; no answer within the request timeout → TIMEOUT; 401 or a refused token request → AUTHENTICATION_FAILED;
 * 403 → PERMISSION_DENIED; 404 → NOT_FOUND; another 4xx → INTERNAL (a request the connector should not have made).
 * Messages name the call and Graph's error code, never a token or a body.
 */
final class GraphFailures {
    private GraphFailures() {
    }

    /** The failure of an answer with HTTP {@code status} (not 2xx). */
    static ConnectorException status(String what, int status, String graphCode, String retryAfterHeader, Clock clock) {
        String detail = what + ": HTTP " + status + (graphCode == null || graphCode.isBlank() ? "" : " " + JsonFields.clip(graphCode, 80));
        if (status == 429) {
            Duration wait = retryAfter(retryAfterHeader, clock);
            return ConnectorException.retriable(ErrorCode.THROTTLED, detail + " (throttled; retry after " + wait + ")", wait, null);
        }
        if (status >= 500) {
            Duration wait = retryAfterHeader == null ? null : retryAfter(retryAfterHeader, clock);
            return ConnectorException.retriable(ErrorCode.UNAVAILABLE, detail, wait, null);
        }
        return new ConnectorException(switch (status) {
            case 401 -> ErrorCode.AUTHENTICATION_FAILED;
            case 403 -> ErrorCode.PERMISSION_DENIED;
            case 404 -> ErrorCode.NOT_FOUND;
            default -> ErrorCode.INTERNAL; // 400 and the like: the connector asked something Graph does not take
        }, detail);
    }

    /** A connection that failed: timeouts (JDK and OkHttp) → TIMEOUT, a connect timeout or another I/O failure → UNAVAILABLE. */
    static ConnectorException io(String what, String service, Duration requestTimeout, IOException e) {
        if (e instanceof HttpConnectTimeoutException || (e instanceof SocketTimeoutException
                && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("connect"))) {
            return ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": no connection to " + service + " within the connect timeout", null, e);
        }
        if (e instanceof HttpTimeoutException || e instanceof SocketTimeoutException
                || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()))) {
            return ConnectorException.retriable(ErrorCode.TIMEOUT, what + ": no answer from " + service + " within " + requestTimeout, null, e);
        }
        if (e instanceof ConnectException) {
            return ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": cannot connect to " + service + ": " + e.getMessage(), null, e);
        }
        return ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": the connection to " + service + " failed: "
                + JsonFields.clip(String.valueOf(e.getMessage()), 200), null, e);
    }

    /**
     * A token request that failed, {@code e} thrown by the Azure Identity credential (possibly wrapped): a refusal →
     * AUTHENTICATION_FAILED; Entra's 429, 5xx or {@code temporarily_unavailable}, or no answer → retriable. Null when
     * {@code e} is not a token failure.
     */
    static ConnectorException token(RuntimeException e, String scope) {
        if (e instanceof ClientAuthenticationException) {
            return new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, "Microsoft Entra refused the connector's credential for "
                    + scope + ": " + JsonFields.clip(firstLine(e.getMessage()), 300), e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientAuthenticationException refusal) {
                return token(refusal, scope);
            }
            if (t instanceof MsalServiceException refused) {
                int status = refused.statusCode() == null ? 0 : refused.statusCode();
                String detail = "no token for " + scope + ": Microsoft Entra answered " + (status == 0 ? "" : "HTTP " + status + " ")
                        + refused.errorCode() + ": " + JsonFields.clip(firstLine(refused.getMessage()), 300);
                if (status == 429 || status >= 500 || "temporarily_unavailable".equals(refused.errorCode())) {
                    return ConnectorException.retriable(status == 429 ? ErrorCode.THROTTLED : ErrorCode.UNAVAILABLE, detail, null, e);
                }
                return new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, detail, e);
            }
        }
        return null;
    }

    static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** {@code Retry-After}: delta seconds or an HTTP date (RFC 9110 §10.2.3); 10 s when absent or unreadable. */
    static Duration retryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return Duration.ofSeconds(10);
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(clock.instant(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException neither) {
                return Duration.ofSeconds(10);
            }
        }
    }
}
