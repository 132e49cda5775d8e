package io.itdr.connector.okta;

import com.okta.sdk.impl.oauth2.OAuth2HttpException;
import com.okta.sdk.impl.oauth2.OAuth2TokenRetrieverException;
import com.okta.sdk.resource.client.ApiException;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Okta SDK failures into the SPI's standard errors, so hosts can retry, back off or give up
 * without knowing Okta. Mapping (https://developer.okta.com/docs/reference/error-codes/ and
 * https://developer.okta.com/docs/reference/rl-best-practices/):
 * <ul>
 *   <li>429 → {@code THROTTLED}, retry after {@code X-Rate-Limit-Reset} (epoch seconds) minus now,
 *       else {@code Retry-After} seconds;</li>
 *   <li>5xx or no answer (connection reset) → {@code UNAVAILABLE}; a timeout → {@code TIMEOUT};</li>
 *   <li>401 → {@code AUTHENTICATION_FAILED}; 403 → {@code PERMISSION_DENIED}; 404 →
 *       {@code NOT_FOUND}; 400/409 → {@code CONFLICT} (Okta refuses lifecycle changes that do not fit
 *       the current state with E0000001/E0000038-style errors);</li>
 *   <li>a body that cannot be read → {@code MALFORMED_RESPONSE}.</li>
 * </ul>
 * Messages carry Okta's errorCode and errorSummary (never a token) and the operation attempted.
 * Stateless and thread-safe.
 */
public final class OktaErrors {
    private static final Pattern ERROR_CODE = Pattern.compile("\"errorCode\"\\s*:\\s*\"([^\"]{1,40})\"");
    private static final Pattern ERROR_SUMMARY = Pattern.compile("\"errorSummary\"\\s*:\\s*\"([^\"]{1,200})\"");
    /** The error of an OAuth 2.0 endpoint (RFC 6749 §5.2), which the token request answers with instead of Okta's errorCode. */
    private static final Pattern OAUTH_ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([^\"]{1,40})\"");
    private static final Pattern OAUTH_DESCRIPTION = Pattern.compile("\"error_description\"\\s*:\\s*\"([^\"]{1,200})\"");

    private final Clock clock;

    public OktaErrors(Clock clock) {
        this.clock = clock;
    }

    /** Runs one SDK call, translating any failure; {@code what} names it for messages ("deactivate app 0oa1"). */
    public <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (ConnectorException e) {
            throw e;
        } catch (ApiException e) {
            throw translate(what, e);
        } catch (OAuth2TokenRetrieverException | OAuth2HttpException e) {
            throw tokenRequest(what, e);
        } catch (UncheckedIOException e) {
            throw transport(what, e.getCause());
        } catch (RuntimeException e) {
            Throwable io = ioCause(e);
            if (io != null) {
                throw transport(what, io);
            }
            throw new ConnectorException(ErrorCode.INTERNAL, what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Same, for calls with no result. */
    public void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    ConnectorException translate(String what, ApiException e) {
        int status = e.getCode();
        String detail = detail(e);
        if (status == 0) {
            Throwable io = ioCause(e);
            if (io != null) {
                return transport(what, io);
            }
            return new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": " + detail, e);
        }
        String message = what + ": HTTP " + status + detail;
        if (status >= 200 && status < 300) {
            // the SDK could not read a success answer (a body of another content type, say a proxy's page)
            return new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": unreadable answer to HTTP " + status
                    + ": " + shorten(String.valueOf(e.getMessage())), e);
        }
        if (status == 429) {
            return ConnectorException.retriable(ErrorCode.THROTTLED, message, retryAfter(e.getResponseHeaders()), e);
        }
        if (status >= 500) {
            return ConnectorException.retriable(ErrorCode.UNAVAILABLE, message, retryAfter(e.getResponseHeaders()), e);
        }
        return new ConnectorException(switch (status) {
            case 401 -> ErrorCode.AUTHENTICATION_FAILED;
            case 403 -> ErrorCode.PERMISSION_DENIED;
            case 404 -> ErrorCode.NOT_FOUND;
            case 400, 409 -> ErrorCode.CONFLICT;
            default -> ErrorCode.INTERNAL;
        }, message, e);
    }

    /**
     * The SDK could not get an OAuth access token for the service app (it asks on the first call and
     * again before the token expires). Okta answers a token request it refuses with 400 or 401
     * (invalid_client, invalid_scope: https://developer.okta.com/docs/reference/api/oidc/#response-properties-2):
     * the credentials or the granted scopes are wrong, so AUTHENTICATION_FAILED; any other answer (403,
     * throttling, 5xx, an unreadable body) and transport failures are translated as for any call; a key the
     * SDK cannot sign with is CONFIG_INVALID.
     */
    ConnectorException tokenRequest(String what, RuntimeException e) {
        String during = what + " (OAuth 2.0 token request)";
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ApiException api) {
                int status = api.getCode();
                if (status == 400 || status == 401) {
                    return new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, during + ": HTTP " + status + detail(api), e);
                }
                return translate(during, api);
            }
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            // the key does not parse or cannot sign (PEMException is an IOException: look for it before transport failures)
            if (t instanceof GeneralSecurityException || t instanceof IllegalArgumentException
                    || t.getClass().getName().startsWith("org.bouncycastle.")) {
                return new ConnectorException(ErrorCode.CONFIG_INVALID, during + ": the client assertion cannot be signed with the "
                        + "configured private-key: " + t.getClass().getSimpleName(), e);
            }
        }
        Throwable io = ioCause(e);
        if (io != null) {
            return transport(during, io);
        }
        return new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, during + ": " + e.getMessage(), e);
    }

    private static String shorten(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private static ConnectorException transport(String what, Throwable io) {
        if (io instanceof SocketTimeoutException || io instanceof HttpTimeoutException
                || String.valueOf(io.getMessage()).toLowerCase(Locale.ROOT).contains("timed out")) {
            return ConnectorException.retriable(ErrorCode.TIMEOUT, what + ": no answer in time", null, io);
        }
        if (io instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            return new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": unreadable answer: " + io.getMessage(), io);
        }
        return ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": " + io.getClass().getSimpleName() + ": " + io.getMessage(), null, io);
    }

    private static Throwable ioCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return t;
            }
        }
        return null;
    }

    /** How long Okta asked to wait: X-Rate-Limit-Reset is the epoch second the window resets. */
    Duration retryAfter(Map<String, List<String>> headers) {
        String reset = header(headers, "X-Rate-Limit-Reset");
        if (reset != null) {
            try {
                Duration wait = Duration.between(clock.instant(), Instant.ofEpochSecond(Long.parseLong(reset.trim())));
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (NumberFormatException e) {
                // fall through to Retry-After
            }
        }
        String retryAfter = header(headers, "Retry-After");
        if (retryAfter != null) {
            try {
                return Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.trim())));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String header(Map<String, List<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().equalsIgnoreCase(name) && e.getValue() != null && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    /** "; E0000007: Not found: Resource not found: 0oa1 (App)" from Okta's error body, if it has one. */
    private static String detail(ApiException e) {
        String body = e.getResponseBody();
        if (body == null) {
            return e.getMessage() == null ? "" : "; " + e.getMessage();
        }
        Matcher code = ERROR_CODE.matcher(body);
        Matcher summary = ERROR_SUMMARY.matcher(body);
        boolean okta = code.find();
        if (!okta) {
            code = OAUTH_ERROR.matcher(body);
            summary = OAUTH_DESCRIPTION.matcher(body);
        }
        String c = okta || code.find() ? code.group(1) : null;
        String s = summary.find() ? summary.group(1) : null;
        if (c == null && s == null) {
            return "";
        }
        return "; " + (c == null ? "" : c + ": ") + (s == null ? "" : s);
    }
}
