package io.itdr.connector.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.util.Configuration;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.CredentialBuilderBase;
import com.azure.identity.DefaultAzureCredentialBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Makes the Azure Identity credential the settings name
 * (https://learn.microsoft.com/en-us/java/api/overview/azure/identity-readme): {@code ClientSecretCredential},
 * {@code ClientCertificateCredential} (PEM with the private key) or {@code DefaultAzureCredential}
 * (environment, workload identity, managed identity; with {@code client-id} for a user-assigned
 * identity or the workload identity's client), each asking the configured {@code authority-host}. Instance discovery
 * (a call to login.microsoftonline.com that validates the authority) is left on for Microsoft's own authority hosts and
 * switched off for any other (a national cloud's private host, a simulation). Building a credential calls nothing; the
 * first token request does. Stateless.
 */
public final class AzureCredentials implements Function<AzureSettings, TokenCredential> {
    /** https://learn.microsoft.com/en-us/entra/identity-platform/authentication-national-cloud#microsoft-entra-authentication-endpoints */
    private static final Set<String> MICROSOFT_AUTHORITIES = Set.of("login.microsoftonline.com", "login.microsoftonline.us",
            "login.partner.microsoftonline.cn");

    private final HttpClient httpClient;
    private final Configuration configuration;

    /** The plugin's: the SDK's default HTTP client, the process's environment. */
    public AzureCredentials() {
        this(null, null);
    }

    /**
     * With the embedding host's HTTP client (its trust store, proxy) and configuration (in place of the process's
     * environment variables, e.g. {@code IDENTITY_ENDPOINT} of a managed identity); either may be null for the default.
     */
    public AzureCredentials(HttpClient httpClient, Configuration configuration) {
        this.httpClient = httpClient;
        this.configuration = configuration;
    }

    @Override
    public TokenCredential apply(AzureSettings settings) {
        String authority = settings.authorityHost().toString();
        boolean microsoft = MICROSOFT_AUTHORITIES.contains(settings.authorityHost().getHost().toLowerCase(Locale.ROOT));
        return switch (settings.authMode()) {
            case CLIENT_SECRET -> {
                ClientSecretCredentialBuilder builder = with(new ClientSecretCredentialBuilder()).tenantId(settings.tenantId())
                        .clientId(settings.clientId()).clientSecret(settings.clientSecret().reveal()).authorityHost(authority);
                yield (microsoft ? builder : builder.disableInstanceDiscovery()).build();
            }
            case CLIENT_CERTIFICATE -> {
                ClientCertificateCredentialBuilder builder = with(new ClientCertificateCredentialBuilder()).tenantId(settings.tenantId())
                        .clientId(settings.clientId()).authorityHost(authority)
                        .pemCertificate(new ByteArrayInputStream(settings.clientCertificate().reveal().getBytes(StandardCharsets.UTF_8)));
                yield (microsoft ? builder : builder.disableInstanceDiscovery()).build();
            }
            case DEFAULT_CREDENTIAL -> {
                DefaultAzureCredentialBuilder builder = with(new DefaultAzureCredentialBuilder()).tenantId(settings.tenantId())
                        .authorityHost(authority);
                if (settings.clientId() != null) {
                    builder.managedIdentityClientId(settings.clientId()).workloadIdentityClientId(settings.clientId());
                }
                yield (microsoft ? builder : builder.disableInstanceDiscovery()).build();
            }
        };
    }

    private <T extends CredentialBuilderBase<T>> T with(T builder) {
        if (httpClient != null) {
            builder.httpClient(httpClient);
        }
        if (configuration != null) {
            builder.configuration(configuration);
        }
        return builder;
    }

    @Override
    public String toString() {
        return "AzureCredentials";
    }
}
