package io.itdr.spi;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * HTTP settings the host applies to every connector: timeouts, an optional proxy, and endpoint
 * overrides per service name (used to point SDKs at a sandbox or a private endpoint).
 *
 * @param connectTimeout    time to open a connection; positive
 * @param requestTimeout    time for a whole call, including retries inside the SDK; positive
 * @param proxy             proxy URI; may be null for none
 * @param endpointOverrides service name (e.g. "iam", "sts", "okta") → base URI; never null
 */
public record HttpSettings(Duration connectTimeout, Duration requestTimeout, URI proxy,
                           Map<String, URI> endpointOverrides) {

    public static final HttpSettings DEFAULTS =
            new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), null, Map.of());

    public HttpSettings {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive: " + connectTimeout);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        endpointOverrides = Map.copyOf(Objects.requireNonNull(endpointOverrides, "endpointOverrides"));
    }

    /** The override for one service, if the operator set one. */
    public Optional<URI> endpoint(String service) {
        return Optional.ofNullable(endpointOverrides.get(service));
    }
}
