package io.itdr.connector.gcp;

import static io.itdr.connector.support.JsonFields.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.client.http.HttpResponseException;
import com.google.auth.Retryable;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what Google Cloud answers into {@link ConnectorException}s with the standard codes. Google's
 * REST errors are {@code {"error":{"code":429,"message":…,"status":"RESOURCE_EXHAUSTED","details":[…]}}}
 * (https://cloud.google.com/apis/design/errors#http_mapping): 429 / RESOURCE_EXHAUSTED → THROTTLED with
 * the wait from {@code Retry-After} or the {@code google.rpc.RetryInfo} detail's {@code retryDelay}
 * (https://cloud.google.com/apis/design/errors#retryinfo); 5xx (UNAVAILABLE, INTERNAL) and dropped
 * connections → UNAVAILABLE; no answer in time → TIMEOUT; 401 and refused credentials (the token
 * endpoint's {@code invalid_grant}) → AUTHENTICATION_FAILED; 403 → PERMISSION_DENIED; 404 → NOT_FOUND;
 * 409 and 412 (ABORTED, FAILED_PRECONDITION: a stale etag) → CONFLICT. Messages name the call and
 * Google's status and message, never a request header or a token. Stateless.
 */
public final class GcpErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SECONDS = Pattern.compile("(\\d+)(?:\\.(\\d{1,9}))?s");
    /** Waited when Google throttles without saying how long. */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(30);

    private GcpErrors() {
    }

    /** The exception {@code failure} of the call {@code what} ("entries.list projects/p") stands for. */
    public static ConnectorException map(String what, IOException failure) {
        if (failure instanceof Retryable auth) {
            // a failure to get an access token (google-auth's GoogleAuthException, not public)
            if (failure.getCause() instanceof SocketTimeoutException) {
                return ConnectorException.retriable(ErrorCode.TIMEOUT, what + ": no access token in time", null, failure);
            }
            return auth.isRetryable()
                    ? ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": getting an access token failed, retriable: "
                            + clip(failure.getMessage(), 200), null, failure)
                    : new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, what + ": Google refused the connector's credentials: "
                            + clip(failure.getMessage(), 200), failure);
        }
        if (failure instanceof com.google.gson.stream.MalformedJsonException) {
            // a token service's answer (generateAccessToken, STS) read by the auth library, and not JSON
            return new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the token service's answer is not JSON: "
                    + clip(failure.getMessage(), 120), failure);
        }
        if (failure instanceof HttpResponseException http) {
            return fromStatus(what, http.getStatusCode(), http.getHeaders().getFirstHeaderStringValue("Retry-After"), http.getContent(), failure);
        }
        if (failure instanceof SocketTimeoutException || failure instanceof InterruptedIOException) {
            return ConnectorException.retriable(ErrorCode.TIMEOUT, what + ": no answer in time: " + clip(failure.getMessage(), 120), null, failure);
        }
        if (failure.getCause() instanceof SocketTimeoutException) {
            return ConnectorException.retriable(ErrorCode.TIMEOUT, what + ": no answer in time", null, failure);
        }
        // the token came from a call of its own (an impersonation's generateAccessToken, a federation's STS exchange)
        // whose failure the auth library wraps in a plain IOException: that call's answer says what happened
        for (Throwable cause = failure.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof HttpResponseException http) {
                return fromStatus(what + ": getting an access token", http.getStatusCode(),
                        http.getHeaders().getFirstHeaderStringValue("Retry-After"), http.getContent(), failure);
            }
            if (cause instanceof SocketTimeoutException) {
                return ConnectorException.retriable(ErrorCode.TIMEOUT, what + ": no access token in time", null, failure);
            }
            if (cause instanceof Retryable && cause instanceof IOException io) {
                return map(what, io);
            }
        }
        return ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": " + failure.getClass().getSimpleName() + ": "
                + clip(failure.getMessage(), 200), null, failure);
    }

    /** An error answer: its HTTP status, {@code Retry-After} (may be null) and body (may be null). */
    static ConnectorException fromStatus(String what, int status, String retryAfterHeader, String body, Throwable cause) {
        JsonNode error = error(body);
        String googleStatus = error == null ? null : error.path("status").asText(null);
        String message = what + ": HTTP " + status + (googleStatus == null ? "" : " " + googleStatus)
                + (error == null || error.path("message").asText("").isBlank() ? "" : ": " + clip(error.path("message").asText(), 200));
        if (status == 429 || "RESOURCE_EXHAUSTED".equals(googleStatus)) {
            return ConnectorException.retriable(ErrorCode.THROTTLED, message, retryAfter(retryAfterHeader, error), cause);
        }
        if (status >= 500) {
            return ConnectorException.retriable(ErrorCode.UNAVAILABLE, message, null, cause);
        }
        return switch (status) {
            case 401 -> new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, message, cause);
            case 403 -> new ConnectorException(ErrorCode.PERMISSION_DENIED, message, cause);
            case 404 -> new ConnectorException(ErrorCode.NOT_FOUND, message, cause);
            case 409, 412 -> new ConnectorException(ErrorCode.CONFLICT, message, cause);
            default -> new ConnectorException(ErrorCode.INTERNAL, message, cause);
        };
    }

    private static JsonNode error(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.path("error").isObject()) {
                return node.get("error");
            }
            // google-api-client's GoogleJsonResponseException keeps the error object itself as its content
            return node != null && node.isObject() && (node.has("status") || node.has("code")) ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code Retry-After} in seconds, else RetryInfo's {@code retryDelay} ("7s", "1.5s"), else the default. */
    static Duration retryAfter(String header, JsonNode error) {
        if (header != null) {
            try {
                long seconds = Long.parseLong(header.trim());
                if (seconds >= 0) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException e) {
                // an HTTP date: fall through to the body
            }
        }
        if (error != null) {
            for (JsonNode detail : error.path("details")) {
                if (detail.path("@type").asText("").endsWith("google.rpc.RetryInfo")) {
                    Matcher m = SECONDS.matcher(detail.path("retryDelay").asText(""));
                    if (m.matches()) {
                        Duration d = Duration.ofSeconds(Long.parseLong(m.group(1)));
                        return m.group(2) == null ? d : d.plusNanos(Long.parseLong((m.group(2) + "000000000").substring(0, 9)));
                    }
                }
            }
        }
        return DEFAULT_RETRY_AFTER;
    }
}
