package io.itdr.connector.gcp;

import com.google.api.client.googleapis.services.AbstractGoogleClientRequest;
import com.google.api.client.http.HttpRequestInitializer;
import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.services.cloudresourcemanager.CloudResourceManager;
import com.google.api.services.iam.v1.Iam;
import com.google.api.services.logging.v2.Logging;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.http.HttpTransportFactory;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ImpersonatedCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * The Google API clients of one connector: Cloud Logging, IAM and Resource Manager (the REST clients
 * Google generates from its discovery documents), signed in as {@link GcpSettings} says, over one
 * HTTP transport with the host's timeouts and proxy (the sign-in library's token calls too, through {@link TokenTransport}). Endpoints may be overridden by the host
 * ({@code logging}, {@code iam}, {@code cloudresourcemanager}, {@code iamcredentials}: a sandbox or
 * Private Service Connect). Credentials are made on first use: reading Application Default
 * Credentials may ask the metadata server, and creating a connector must not call out.
 *
 * <p>Clients retry nothing: a failure surfaces at once as a {@link ConnectorException} and the host
 * retries (with the platform's retry-after when throttled). Thread-safe. {@link #toString()} names no secret.
 */
public final class GcpClients {
    static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/cloud-platform");
    private static final String APPLICATION = "itdr";

    private final GcpSettings settings;
    private final HttpSettings http;
    private final HttpTransport transport;
    private volatile GoogleCredentials credentials;
    private volatile Logging logging;
    private volatile Iam iam;
    private volatile CloudResourceManager resourceManager;

    public GcpClients(GcpSettings settings, HttpSettings http) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = Objects.requireNonNull(http, "http");
        NetHttpTransport.Builder builder = new NetHttpTransport.Builder();
        if (http.proxy() != null) {
            URI proxy = http.proxy();
            builder.setProxy(new Proxy(Proxy.Type.HTTP, new InetSocketAddress(proxy.getHost(), proxy.getPort() < 0 ? 80 : proxy.getPort())));
        }
        this.transport = builder.build();
    }

    public Logging logging() {
        Logging l = logging;
        if (l == null) {
            synchronized (this) {
                if (logging == null) {
                    Logging.Builder b = new Logging.Builder(transport, GsonFactory.getDefaultInstance(), initializer()).setApplicationName(APPLICATION);
                    http.endpoint("logging").ifPresent(u -> b.setRootUrl(root(u)));
                    logging = b.build();
                }
                l = logging;
            }
        }
        return l;
    }

    public Iam iam() {
        Iam i = iam;
        if (i == null) {
            synchronized (this) {
                if (iam == null) {
                    Iam.Builder b = new Iam.Builder(transport, GsonFactory.getDefaultInstance(), initializer()).setApplicationName(APPLICATION);
                    http.endpoint("iam").ifPresent(u -> b.setRootUrl(root(u)));
                    iam = b.build();
                }
                i = iam;
            }
        }
        return i;
    }

    public CloudResourceManager resourceManager() {
        CloudResourceManager r = resourceManager;
        if (r == null) {
            synchronized (this) {
                if (resourceManager == null) {
                    CloudResourceManager.Builder b = new CloudResourceManager.Builder(transport, GsonFactory.getDefaultInstance(), initializer())
                            .setApplicationName(APPLICATION);
                    http.endpoint("cloudresourcemanager").ifPresent(u -> b.setRootUrl(root(u)));
                    resourceManager = b.build();
                }
                r = resourceManager;
            }
        }
        return r;
    }

    /**
     * Requests signed in and timed like the generated clients' (no retries inside), for an API whose
     * generated client the connector does not carry (Pub/Sub's REST methods).
     */
    public com.google.api.client.http.HttpRequestFactory requests() {
        return transport.createRequestFactory(initializer());
    }

    /** The root URL of {@code service} ({@code pubsub}): the host's override, else {@code defaultRoot}; ends with '/'. */
    public String root(String service, String defaultRoot) {
        return http.endpoint(service).map(GcpClients::root).orElse(defaultRoot);
    }

    /** Runs one request, its failure mapped by {@link GcpErrors}; {@code what} names it in messages. */
    public <T> T execute(String what, AbstractGoogleClientRequest<T> request) {
        com.google.api.client.http.HttpResponse response;
        try {
            response = request.executeUnparsed();
        } catch (IOException e) {
            throw GcpErrors.map(what, e);
        }
        // reading the body apart from the call: a body that is not the documented resource is malformed, not a network failure
        try {
            return response.parseAs(request.getResponseClass());
        } catch (java.net.SocketTimeoutException e) {
            throw GcpErrors.map(what, e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer is not the documented resource: "
                    + e.getClass().getSimpleName() + ": " + io.itdr.connector.support.JsonFields.clip(e.getMessage(), 160), e);
        } finally {
            try {
                response.disconnect();
            } catch (IOException e) {
                // the body was read or abandoned
            }
        }
    }

    /** Host timeouts on every request, the credentials' Authorization header, no retries inside the client. */
    private HttpRequestInitializer initializer() {
        return request -> {
            HttpCredentialsAdapter adapter = new HttpCredentialsAdapter(credentials());
            adapter.initialize(request);
            request.setConnectTimeout((int) http.connectTimeout().toMillis());
            request.setReadTimeout((int) http.requestTimeout().toMillis());
            request.setNumberOfRetries(0);
        };
    }

    /** The connector's credentials, made on first use (see the class comment). */
    GoogleCredentials credentials() throws IOException {
        GoogleCredentials c = credentials;
        if (c == null) {
            synchronized (this) {
                if (credentials == null) {
                    credentials = make();
                }
                c = credentials;
            }
        }
        return c;
    }

    private GoogleCredentials make() throws IOException {
        // the sign-in library's own calls (token endpoint, STS, IAM Credentials, metadata server) with the host's timeouts
        HttpTransport tokens = new TokenTransport(transport, http.connectTimeout(), http.requestTimeout());
        HttpTransportFactory factory = () -> tokens;
        GoogleCredentials base;
        if (settings.signIn() == GcpSettings.SignIn.CREDENTIALS_JSON) {
            try {
                base = GoogleCredentials.fromStream(new ByteArrayInputStream(settings.credentials().reveal().getBytes(StandardCharsets.UTF_8)),
                        factory);
            } catch (IOException | RuntimeException e) {
                // the parser's message may quote the file; say what is wrong without it
                throw new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'gcp': "
                        + GcpSettings.CREDENTIALS_JSON + ": not a service account key or a workload identity federation credential "
                        + "configuration (" + e.getClass().getSimpleName() + ")");
            }
        } else {
            base = GoogleCredentials.getApplicationDefault(factory);
        }
        base = base.createScoped(SCOPES);
        if (base instanceof ServiceAccountCredentials key) {
            // the library retries a failed token call three times with back-off; here, as for every call, the host retries
            base = key.createWithCustomRetryStrategy(false);
        }
        if (settings.impersonate() == null) {
            return base;
        }
        ImpersonatedCredentials.Builder impersonated = ImpersonatedCredentials.newBuilder().setSourceCredentials(base)
                .setTargetPrincipal(settings.impersonate()).setScopes(SCOPES).setLifetime(3600).setHttpTransportFactory(factory);
        http.endpoint("iamcredentials").ifPresent(u -> impersonated.setIamEndpointOverride(
                root(u) + "v1/projects/-/serviceAccounts/" + settings.impersonate() + ":generateAccessToken"));
        return impersonated.build();
    }

    private static String root(URI uri) {
        String s = uri.toString();
        return s.endsWith("/") ? s : s + "/";
    }

    public void close() {
        try {
            transport.shutdown();
        } catch (IOException e) {
            // nothing held that outlives the process
        }
    }

    @Override
    public String toString() {
        return "GcpClients[" + settings + "]";
    }
}
