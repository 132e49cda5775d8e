package io.itdr.connector.github;

import io.itdr.connector.support.RestEndpoint;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.kohsuke.github.GHException;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorRequest;
import org.kohsuke.github.connector.GitHubConnectorResponse;

/**
 * org.kohsuke:github-api (1.330) for the calls it has a method for: repositories and their topics, deploy keys
 * (list, delete, add), workflows (get, disable, enable). It is given the connector's transport ({@link GitHubApi}'s
 * {@link RestEndpoint}: the host's proxy and timeouts, the call count) and the connector's sign-in as its
 * {@code Authorization}, so a failure leaves github-api as the same standard error a JDK call would raise: a failed
 * status is read by {@link GitHubApi#failure} before github-api sees it, and github-api's own rate-limit waits and
 * connection retries never run (the engine decides about retries, with the wait GitHub named). The client is built
 * on first use: {@link GitHubBuilder#build()} makes no call when given an authorization provider of its own.
 * Thread-safe: github-api's client is.
 */
public final class GitHubLibrary {
    /**
     * Headers not passed on: those the JDK client sets itself and refuses from a caller, and github-api's
     * {@code Accept-Encoding: gzip} (the JDK client does not inflate, so answers come plain).
     */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade", "accept-encoding");

    private final GitHubApi api;
    private final GitHubSignIn signIn;
    private volatile GitHub client;

    public GitHubLibrary(GitHubApi api, GitHubSignIn signIn) {
        this.api = Objects.requireNonNull(api, "api");
        this.signIn = Objects.requireNonNull(signIn, "signIn");
    }

    /** A call to github-api that may throw its checked exception. */
    @FunctionalInterface
    public interface Call<T> {
        T run(GitHub github) throws IOException;
    }

    /**
     * Runs {@code call} with the client; a failed status or transport leaves as the standard error it raised, anything
     * else github-api throws (an answer it could not read) as {@code MALFORMED_RESPONSE} naming {@code what}.
     */
    public <T> T call(String what, Call<T> call) {
        try {
            return call.run(client());
        } catch (GHException e) {
            // github-api's iterators wrap what a page's call threw
            if (e.getCause() instanceof ConnectorException c) {
                throw c;
            }
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": " + e.getMessage(), e);
        } catch (IOException e) {
            // a failed status or transport already left as the standard error: this is an answer github-api could not read
            Throwable root = e.getCause() == null ? e : e.getCause();
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer could not be read ("
                    + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + clip(root.getMessage())) + ")", e);
        }
    }

    private GitHub client() throws IOException {
        GitHub c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = new GitHubBuilder().withEndpoint(api.baseUrl()).withConnector(new Transport(api.endpoint()))
                            .withAuthorizationProvider(signIn::authorization)
                            .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
                            .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL).build();
                }
                c = client;
            }
        }
        return c;
    }

    private static String clip(String message) {
        return message.length() > 200 ? message.substring(0, 200) + "…" : message;
    }

    /** github-api's requests sent by the connector's endpoint. */
    private static final class Transport implements GitHubConnector {
        private final RestEndpoint endpoint;

        Transport(RestEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        public GitHubConnectorResponse send(GitHubConnectorRequest request) throws IOException {
            HttpRequest.Builder builder;
            try {
                builder = HttpRequest.newBuilder(request.url().toURI());
            } catch (URISyntaxException e) {
                throw new IOException("not a URI: " + request.url(), e);
            }
            for (Map.Entry<String, List<String>> header : request.allHeaders().entrySet()) {
                if (header.getKey() != null && !RESTRICTED.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    header.getValue().forEach(v -> builder.header(header.getKey(), v));
                }
            }
            byte[] body = null;
            if (request.hasBody()) {
                try (InputStream in = request.body()) {
                    body = in.readAllBytes();
                }
            }
            builder.method(request.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            if (body != null && request.contentType() != null) {
                builder.setHeader("Content-Type", request.contentType());
            }
            builder.setHeader("User-Agent", "itdr-connector-github");
            builder.setHeader("X-GitHub-Api-Version", GitHubApi.API_VERSION);
            String call = request.method() + " " + request.url().getPath();
            RestEndpoint.Answer answer = endpoint.exchange(builder, call);
            byte[] content;
            try (InputStream in = answer.body()) {
                content = in.readAllBytes();
            } catch (java.net.http.HttpTimeoutException e) {
                throw ConnectorException.retriable(ErrorCode.TIMEOUT, call + ": the answer stopped", null, e);
            } catch (IOException e) {
                throw ConnectorException.retriable(ErrorCode.UNAVAILABLE, call + ": " + e, null, e);
            }
            return new Response(request, answer, content);
        }
    }

    /** An answer read whole (github-api may open the body more than once; REST answers are pages of at most 100). */
    private static final class Response extends GitHubConnectorResponse {
        private final byte[] body;

        Response(GitHubConnectorRequest request, RestEndpoint.Answer answer, byte[] body) {
            super(request, answer.status(), answer.headers().map());
            this.body = body;
        }

        @Override
        public InputStream bodyStream() {
            return new java.io.ByteArrayInputStream(body);
        }

        @Override
        public void close() {
            // nothing open: the body was read whole
        }
    }

    @Override
    public String toString() {
        return "GitHubLibrary[github-api over " + api.baseUrl() + "]";
    }
}
