package io.itdr.server.console;

import io.itdr.core.normalize.Printable;
import io.itdr.spi.config.Secret;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ClientRegistrations;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * The console's one client registration, read from the issuer's discovery document when first needed (so the server
 * starts while the identity provider is away) and kept once read. The client secret is resolved from its reference at
 * start; its value is never logged or shown. Thread-safe.
 */
final class ConsoleRegistration implements ClientRegistrationRepository {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleRegistration.class);

    private final ConsoleProperties settings;
    private final Secret secret;
    private volatile ClientRegistration registration;
    private volatile String problem;

    /**
     * @param secrets resolves {@code env:VAR} / {@code file:/path}; null answers for a reference that does not resolve
     * @throws IllegalStateException when the secret is given inline or its reference does not resolve
     */
    ConsoleRegistration(ConsoleProperties settings, Function<String, Secret> secrets) {
        this.settings = Objects.requireNonNull(settings, "settings");
        String reference = settings.clientSecret();
        if (reference == null || reference.isBlank()) {
            this.secret = null;
        } else {
            String ref = reference.strip();
            if (!ref.startsWith("env:") && !ref.startsWith("file:")) {
                throw new IllegalStateException("itdr.console.client-secret: must be a reference, env:VAR or file:/path, not the value "
                        + "itself (the value is not shown)");
            }
            Secret resolved = secrets.apply(ref);
            if (resolved == null || resolved.isEmpty()) {
                throw new IllegalStateException("itdr.console.client-secret: " + Printable.escape(ref) + " does not resolve (no such "
                        + "environment variable or readable file)");
            }
            this.secret = resolved;
        }
    }

    @Override
    public ClientRegistration findByRegistrationId(String registrationId) {
        if (!ConsoleProperties.REGISTRATION.equals(registrationId)) {
            return null;
        }
        ClientRegistration known = registration;
        if (known != null) {
            return known;
        }
        synchronized (this) {
            if (registration == null) {
                registration = discover();
            }
            return registration;
        }
    }

    /** Why the issuer could not be read at the last attempt; null when it was read (or not tried yet). */
    String problem() {
        return problem;
    }

    private ClientRegistration discover() {
        String issuer = settings.issuerUri().toString();
        try {
            ClientRegistration.Builder builder = ClientRegistrations.fromIssuerLocation(issuer)
                    .registrationId(ConsoleProperties.REGISTRATION)
                    .clientId(settings.clientId().strip())
                    .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                    .redirectUri("{baseUrl}/console/login/oauth2/code/{registrationId}")
                    .scope(settings.scopes())
                    .clientName("itdr console");
            if (secret == null) {
                builder.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
            } else {
                builder.clientSecret(secret.reveal()).clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC);
            }
            ClientRegistration read = builder.build();
            problem = null;
            LOG.info("console sign-in uses the OIDC issuer {}", Printable.escape(issuer));
            return read;
        } catch (RuntimeException e) {
            problem = "the OIDC issuer " + issuer + " cannot be read: " + e.getClass().getSimpleName();
            LOG.warn("console: {}", Printable.escape(problem), e);
            return null;
        }
    }
}
