package io.itdr.connector.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Makes the Azure Identity credential the settings name
 * (https://learn.microsoft.com/en-us/java/api/overview/azure/identity-readme): {@code ClientSecretCredential},
 * {@code ClientCertificateCredential} (PEM with the private key) or {@code DefaultAzureCredential}
 * (environment, workload identity, managed identity; with {@code client-id} for a user-assigned
 * identity or the workload identity's client). Building a credential calls nothing; the first token
 * request does. Stateless.
 */
public final class AzureCredentials implements Function<AzureSettings, TokenCredential> {

    @Override
    public TokenCredential apply(AzureSettings settings) {
        String authority = settings.authorityHost().toString();
        return switch (settings.authMode()) {
            case CLIENT_SECRET -> new ClientSecretCredentialBuilder().tenantId(settings.tenantId()).clientId(settings.clientId())
                    .clientSecret(settings.clientSecret().reveal()).authorityHost(authority).build();
            case CLIENT_CERTIFICATE -> new ClientCertificateCredentialBuilder().tenantId(settings.tenantId())
                    .clientId(settings.clientId()).authorityHost(authority)
                    .pemCertificate(new ByteArrayInputStream(settings.clientCertificate().reveal().getBytes(StandardCharsets.UTF_8)))
                    .build();
            case DEFAULT_CREDENTIAL -> {
                DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().tenantId(settings.tenantId())
                        .authorityHost(authority);
                if (settings.clientId() != null) {
                    builder.managedIdentityClientId(settings.clientId()).workloadIdentityClientId(settings.clientId());
                }
                yield builder.build();
            }
        };
    }

    @Override
    public String toString() {
        return "AzureCredentials";
    }
}
