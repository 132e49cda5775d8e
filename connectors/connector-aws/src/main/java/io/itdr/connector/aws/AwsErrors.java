package io.itdr.connector.aws;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Translates AWS SDK failures into the contract's {@link ConnectorException}, naming the
 * operation, the resource and the request id, never credentials. Error codes follow
 * https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html and each API's Errors
 * section. Stateless.
 */
public final class AwsErrors {
    private static final Set<String> THROTTLING = Set.of("Throttling", "ThrottlingException", "ThrottledException",
            "RequestThrottledException", "TooManyRequestsException", "RequestLimitExceeded", "RequestThrottled", "SlowDown",
            "PriorRequestNotComplete");
    private static final Set<String> UNAVAILABLE = Set.of("ServiceUnavailable", "ServiceUnavailableException", "InternalFailure",
            "ServiceFailure", "InternalError", "InternalServiceError");
    private static final Set<String> AUTHENTICATION = Set.of("InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
            "ExpiredTokenException", "IncompleteSignature", "UnrecognizedClientException", "InvalidAccessKeyId",
            "MissingAuthenticationToken", "AuthFailure");
    private static final Set<String> PERMISSION = Set.of("AccessDenied", "AccessDeniedException", "UnauthorizedOperation",
            "UnauthorizedAccess");
    private static final Set<String> NOT_FOUND = Set.of("NoSuchEntity", "NoSuchEntityException", "ResourceNotFoundException");
    private static final Set<String> CONFLICT = Set.of("LimitExceeded", "EntityAlreadyExists", "DeleteConflict",
            "ConcurrentModification", "UnmodifiableEntity", "EntityTemporarilyUnmodifiable");

    private AwsErrors() {
    }

    /**
     * Runs one SDK call and translates its failure.
     *
     * @param operation the platform operation ("iam:UpdateAccessKey")
     * @param resource  what it acts on (a key id, a role name); never a secret
     */
    public static <T> T call(String operation, String resource, Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw translate(operation, resource, e);
        }
    }

    public static ConnectorException translate(String operation, String resource, SdkException e) {
        String where = operation + " on " + resource;
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return new ConnectorException(ErrorCode.TIMEOUT, where + ": no answer in time; the effect of a change is unknown", e);
        }
        if (e instanceof AwsServiceException service) {
            return translateService(where, service);
        }
        if (e instanceof SdkClientException) {
            return translateClient(where, e);
        }
        return new ConnectorException(ErrorCode.INTERNAL, where + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }

    private static ConnectorException translateService(String where, AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String text = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        int status = e.statusCode();
        String message = where + ": " + (code == null ? "error" : code) + " (HTTP " + status + ")"
                + (text == null ? "" : ": " + clip(text)) + (e.requestId() == null ? "" : " [request " + e.requestId() + "]");
        ErrorCode error;
        if ((code != null && THROTTLING.contains(code)) || status == 429 || e.isThrottlingException()) {
            return new ConnectorException(ErrorCode.THROTTLED, message, retryAfter(e), e);
        } else if ((code != null && UNAVAILABLE.contains(code)) || status >= 500) {
            error = ErrorCode.UNAVAILABLE;
        } else if (code != null && AUTHENTICATION.contains(code) || status == 401) {
            error = ErrorCode.AUTHENTICATION_FAILED;
        } else if (code != null && PERMISSION.contains(code) || status == 403) {
            error = ErrorCode.PERMISSION_DENIED;
        } else if (code != null && NOT_FOUND.contains(code) || status == 404) {
            error = ErrorCode.NOT_FOUND;
        } else if (code != null && CONFLICT.contains(code) || status == 409) {
            error = ErrorCode.CONFLICT;
        } else {
            error = ErrorCode.INTERNAL; // a request AWS calls invalid is a bug here
        }
        return new ConnectorException(error, message, e);
    }

    private static ConnectorException translateClient(String where, SdkException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException
                    || (cause instanceof InterruptedIOException && !(cause instanceof java.nio.channels.ClosedByInterruptException))) {
                return new ConnectorException(ErrorCode.TIMEOUT, where + ": no answer in time; the effect of a change is unknown", e);
            }
            if (cause instanceof UnknownHostException || cause instanceof ConnectException) {
                return new ConnectorException(ErrorCode.UNAVAILABLE, where + ": cannot reach AWS: " + clip(cause.getMessage()), e);
            }
        }
        String text = String.valueOf(e.getMessage());
        if (text.contains("Unable to load credentials") || text.contains("Unable to load region")) {
            return new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, where + ": " + clip(text), e);
        }
        if (text.contains("unmarshall") || text.contains("Unmarshall") || hasCause(e, javax.xml.stream.XMLStreamException.class)) {
            return new ConnectorException(ErrorCode.MALFORMED_RESPONSE, where + ": the answer could not be read: " + clip(text), e);
        }
        if (hasCause(e, IOException.class)) {
            return new ConnectorException(ErrorCode.UNAVAILABLE, where + ": " + clip(text), e);
        }
        return new ConnectorException(ErrorCode.INTERNAL, where + ": " + clip(text), e);
    }

    private static Duration retryAfter(AwsServiceException e) {
        if (e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null) {
            return null;
        }
        return e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader("Retry-After").map(value -> {
            try {
                long seconds = Long.parseLong(value.trim());
                return seconds < 0 ? null : Duration.ofSeconds(seconds);
            } catch (NumberFormatException httpDate) {
                return null; // an HTTP date: the host's own backoff applies
            }
        }).orElse(null);
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static String clip(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > 300 ? text.substring(0, 300) + "…" : text;
    }
}
