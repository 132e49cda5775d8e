package io.itdr.connector.azure;

import com.azure.core.credential.TokenCredential;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.core.requests.options.GraphClientOption;
import com.microsoft.graph.models.BaseCollectionPaginationCountResponse;
import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.kiota.http.middleware.RedirectHandler;
import com.microsoft.kiota.http.middleware.RetryHandler;
import io.itdr.connector.support.JsonFields;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;

/**
 * The Microsoft Graph Java SDK ({@code microsoft-graph} 6.x, v1.0 models, Kiota on OkHttp) as the connector uses it
 * for inventory and actions, on the same terms as {@link GraphHttp}:
 * <ul>
 *   <li>signed by the connector's Azure Identity credential through {@link AzureIdentityAuthenticationProvider}, for the
 *       scope of the configured Graph root ({@code https://graph.microsoft.com/.default}) and with the allowed hosts set to
 *       the host calls go to (the endpoint override's, or {@code graph-url}'s). Kiota attaches no token to a host outside
 *       that list, silently; an interceptor refuses any request that would leave without {@code Authorization}
 *       (AUTHENTICATION_FAILED, nothing sent), so a misconfigured host shows as such and not as Graph's 401;</li>
 *   <li>Kiota's retry handler is left out (and OkHttp's retry on connection failure switched off), so the host's retry
 *       policy stays the only one: one call is one request; its redirect handler too (Graph does not redirect these
 *       calls; a redirect answer is an error);</li>
 *   <li>every failure mapped once, by {@link GraphFailures} as for raw calls: {@link ODataError} and {@link ApiException}
 *       by status (429 with {@code Retry-After} → THROTTLED, 5xx → UNAVAILABLE, 401, 403, 404), I/O failures and timeouts
 *       (OkHttp's read timeout is the host's request timeout), token failures, and an answer the SDK cannot read (not
 *       JSON, another content type) → MALFORMED_RESPONSE.</li>
 * </ul>
 * Thread-safe (the SDK client is). Never logs or shows a token.
 */
public final class GraphSdk {
    private static final String SERVICE = "Microsoft Graph";
    private final GraphServiceClient client;
    private final String scope;
    private final URI root;
    private final Duration requestTimeout;
    private final Clock clock;

    /**
     * @param credential the connector's credential
     * @param graphUrl the configured Graph root (its host names the token's scope)
     * @param root where calls go: the endpoint override, or {@code graphUrl}; its host is the one allowed host
     */
    GraphSdk(TokenCredential credential, URI graphUrl, URI root, HttpSettings http, Clock clock) {
        this(credential, graphUrl, root, Set.of(root.getHost()), http, clock);
    }

    /** With explicit allowed hosts: for the test that a request to a host outside them is refused before it leaves. */
    GraphSdk(TokenCredential credential, URI graphUrl, URI root, Set<String> allowedHosts, HttpSettings http, Clock clock) {
        Objects.requireNonNull(credential, "credential");
        this.root = URI.create(root.toString().replaceAll("/+$", ""));
        this.scope = "https://" + graphUrl.getHost() + "/.default";
        this.requestTimeout = http.requestTimeout();
        this.clock = Objects.requireNonNull(clock, "clock");
        AzureIdentityAuthenticationProvider auth = new AzureIdentityAuthenticationProvider(credential,
                allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toArray(String[]::new), null, false, scope);
        List<Interceptor> interceptors = new ArrayList<>();
        for (Interceptor i : GraphClientFactory.createDefaultGraphInterceptors(new GraphClientOption())) {
            if (!(i instanceof RetryHandler) && !(i instanceof RedirectHandler)) {
                interceptors.add(i);
            }
        }
        interceptors.add(GraphSdk::requireAuthorization);
        OkHttpClient.Builder builder = GraphClientFactory.create(interceptors)
                .retryOnConnectionFailure(false).followRedirects(false).followSslRedirects(false)
                // no call timeout: it would also run while the SDK parses the body it has received (the JDK client's request
                // timeout, GraphHttp's, ends with the response headers); Graph not answering within it is a read timeout
                .connectTimeout(http.connectTimeout()).readTimeout(requestTimeout).writeTimeout(requestTimeout);
        if (http.proxy() != null) {
            builder.proxy(new Proxy(Proxy.Type.HTTP, new InetSocketAddress(http.proxy().getHost(), http.proxy().getPort())));
        }
        this.client = new GraphServiceClient(auth, builder.build());
        client.getRequestAdapter().setBaseUrl(this.root + "/v1.0");
    }

    /** The last interceptor: nothing leaves without a bearer token (Kiota sends none to a host it does not allow). */
    private static okhttp3.Response requireAuthorization(Interceptor.Chain chain) throws IOException {
        okhttp3.Request request = chain.request();
        String authorization = request.header("Authorization");
        if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() <= "Bearer ".length()) {
            throw new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, request.method() + " " + request.url().encodedPath()
                    + ": no token attached for host " + request.url().host() + " (not among the Graph client's allowed hosts); not sent");
        }
        return chain.proceed(request);
    }

    /** The SDK's client: call it only inside {@link #call} or {@link #run}. */
    public GraphServiceClient client() {
        return client;
    }

    /**
     * Runs one SDK call and maps its failure.
     *
     * @param what names the call in messages ("GET /v1.0/servicePrincipals/{id}")
     * @throws ConnectorException with the standard code of the failure
     */
    public <T> T call(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (ConnectorException e) {
            throw e;
        } catch (ApiException e) {
            String code = e instanceof ODataError o && o.getError() != null ? o.getError().getCode() : null;
            int status = e.getResponseStatusCode();
            if (status == 0) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": " + JsonFields.clip(GraphFailures.firstLine(e.getMessage()), 200), e);
            }
            if (status >= 200 && status < 400) {
                throw new ConnectorException(status >= 300 ? ErrorCode.INTERNAL : ErrorCode.MALFORMED_RESPONSE, what + ": HTTP " + status
                        + " " + JsonFields.clip(GraphFailures.firstLine(e.getMessage()), 200), e);
            }
            var values = e.getResponseHeaders() == null ? null : e.getResponseHeaders().get("Retry-After");
            if (values == null && e.getResponseHeaders() != null) {
                values = e.getResponseHeaders().get("retry-after");
            }
            String retryAfter = values == null || values.isEmpty() ? null : values.iterator().next();
            throw GraphFailures.status(what, status, code, retryAfter, clock);
        } catch (IllegalArgumentException e) {
            if ("Only https is supported".equals(e.getMessage())) {
                // Kiota's token provider sends tokens over https only, or to localhost
                throw new ConnectorException(ErrorCode.CONFIG_INVALID, what + ": Microsoft Graph at " + root + " is not https; the Graph SDK "
                        + "sends its token over https only (or to localhost)", e);
            }
            throw unreadable(what, e);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ConnectorException c) {
                    throw c;
                }
                if (unreadable(t)) {
                    break; // JSON the SDK cannot parse: the parser's own exception is an IOException, but nothing broke off
                }
                if (t instanceof IOException io) {
                    throw GraphFailures.io(what, SERVICE, requestTimeout, io);
                }
            }
            ConnectorException token = GraphFailures.token(e, scope);
            if (token != null) {
                throw token;
            }
            throw unreadable(what, e);
        }
    }

    /** What remains is the SDK failing to read an answer: another content type, JSON it cannot parse, a wrong shape. */
    private static ConnectorException unreadable(String what, RuntimeException e) {
        return new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer could not be read ("
                + e.getClass().getSimpleName() + ": " + JsonFields.clip(GraphFailures.firstLine(e.getMessage()), 200) + ")", e);
    }

    /** Gson's verdict on a body that is not JSON (a syntax error, or JSON cut short). */
    private static boolean unreadable(Throwable t) {
        String type = t.getClass().getName();
        return type.equals("com.google.gson.JsonSyntaxException") || type.equals("com.google.gson.stream.MalformedJsonException");
    }

    /** {@link #call} of a call without a result. */
    public void run(String what, Runnable call) {
        call(what, () -> {
            call.run();
            return null;
        });
    }

    /**
     * Every item of a collection across {@code @odata.nextLink} pages (https://learn.microsoft.com/en-us/graph/paging): the
     * first page from {@code first}, the next ones from {@code next} (the request builder's {@code withUrl(link).get()}),
     * a link never followed off the root's scheme, host and port.
     */
    public <R extends BaseCollectionPaginationCountResponse, T> List<T> all(String what, Supplier<R> first, Function<R, List<T>> items,
                                                                             Function<String, R> next) {
        List<T> all = new ArrayList<>();
        R page = call(what, first);
        for (int pages = 1; ; pages++) {
            if (page == null) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": an empty answer where a collection was expected");
            }
            List<T> value = items.apply(page);
            if (value != null) {
                all.addAll(value);
            }
            String link = page.getOdataNextLink();
            if (link == null) {
                return all;
            }
            if (pages >= 1000) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": more than 1000 pages");
            }
            String url = onRoot(link, what).toString();
            page = call(what, () -> next.apply(url));
        }
    }

    /** A link Graph gave, if it stays on the root's scheme, host and port. */
    public URI onRoot(String link, String what) {
        URI next;
        try {
            next = URI.create(link);
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": @odata.nextLink is not a URL");
        }
        if (!Objects.equals(next.getHost(), root.getHost()) || next.getPort() != root.getPort()
                || !Objects.equals(next.getScheme(), root.getScheme())) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": @odata.nextLink leaves " + root.getHost() + " for "
                    + next.getHost() + "; not followed");
        }
        return next;
    }

    /** The root calls go to (without {@code /v1.0}). */
    public URI root() {
        return root;
    }

    @Override
    public String toString() {
        return "GraphSdk[" + root + ", scope=" + scope + ", timeout=" + requestTimeout + "]";
    }
}
