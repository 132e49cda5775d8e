package io.itdr.connector.gcp;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.api.client.http.LowLevelHttpResponse;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Objects;

/**
 * The transport of the sign-in library's own calls (OAuth token endpoint, STS, IAM Credentials, the metadata server):
 * the connector's transport with each request's timeouts capped at the host's. The library builds those requests itself
 * and leaves google-http-client's defaults on them (20 s to connect and 20 s to read, and it retries a timeout three
 * times), so without the cap a hanging token endpoint holds a poll or an action for minutes. A shorter timeout the
 * library asks for (the metadata server's probe) stays. Shutting it down does nothing: the connector's transport is
 * shut down by {@link GcpClients}. Thread-safe.
 */
final class TokenTransport extends HttpTransport {
    /** {@link HttpTransport#buildRequest(String, String)} is protected: the one way to reach the delegate's. */
    private static final Method BUILD;

    static {
        try {
            BUILD = HttpTransport.class.getDeclaredMethod("buildRequest", String.class, String.class);
            BUILD.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final HttpTransport delegate;
    private final int connectMillis;
    private final int readMillis;

    TokenTransport(HttpTransport delegate, Duration connectTimeout, Duration readTimeout) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.connectMillis = millis(connectTimeout);
        this.readMillis = millis(readTimeout);
    }

    private static int millis(Duration d) {
        long ms = d.toMillis();
        if (ms <= 0) {
            throw new IllegalArgumentException("a timeout must be positive: " + d);
        }
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    /** {@code requested} (0 is none: infinite) capped at {@code cap}. */
    static int cap(int requested, int cap) {
        return requested <= 0 ? cap : Math.min(requested, cap);
    }

    @Override
    public boolean supportsMethod(String method) throws IOException {
        return delegate.supportsMethod(method);
    }

    @Override
    protected LowLevelHttpRequest buildRequest(String method, String url) throws IOException {
        LowLevelHttpRequest request;
        try {
            request = (LowLevelHttpRequest) BUILD.invoke(delegate, method, url);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
        return new Capped(request);
    }

    @Override
    public void shutdown() {
        // the connector's transport is shut down by GcpClients
    }

    @Override
    public String toString() {
        return "TokenTransport[connect " + connectMillis + " ms, read " + readMillis + " ms at most]";
    }

    /** One request: timeouts capped, the body the library set handed to the delegate when it runs. */
    private final class Capped extends LowLevelHttpRequest {
        private final LowLevelHttpRequest request;

        Capped(LowLevelHttpRequest request) {
            this.request = request;
        }

        @Override
        public void addHeader(String name, String value) throws IOException {
            request.addHeader(name, value);
        }

        @Override
        public void setTimeout(int connectTimeout, int readTimeout) throws IOException {
            request.setTimeout(cap(connectTimeout, connectMillis), cap(readTimeout, readMillis));
        }

        @Override
        public void setWriteTimeout(int writeTimeout) throws IOException {
            request.setWriteTimeout(cap(writeTimeout, readMillis));
        }

        @Override
        public LowLevelHttpResponse execute() throws IOException {
            request.setContentLength(getContentLength());
            request.setContentEncoding(getContentEncoding());
            request.setContentType(getContentType());
            request.setStreamingContent(getStreamingContent());
            return request.execute();
        }
    }
}
