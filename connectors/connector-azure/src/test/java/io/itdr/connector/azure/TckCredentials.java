package io.itdr.connector.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import io.itdr.connector.tck.ConnectorTck;
import java.time.OffsetDateTime;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Stands in for Microsoft Entra's token endpoint in the kit's runs (PLATFORM-FACTS: the real credentials
 * refuse an http authority and MSAL caches by host): it checks the sign-in the settings name carries the
 * kit's canary where a secret belongs, and issues {@link #TOKEN}, which the sandbox accepts. The real
 * credentials are built by {@link AzureCredentials} (AzureCredentialsTest).
 */
final class TckCredentials implements Function<AzureSettings, TokenCredential> {
    static final String TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL2dyYXBoLm1pY3Jvc29mdC5jb20ifQ.tck";

    @Override
    public TokenCredential apply(AzureSettings settings) {
        boolean carriesTheSecret = switch (settings.authMode()) {
            case CLIENT_SECRET -> settings.clientSecret().reveal().equals(ConnectorTck.CANARY_SECRET);
            case CLIENT_CERTIFICATE -> settings.clientCertificate().reveal().contains(ConnectorTck.CANARY_SECRET);
            case DEFAULT_CREDENTIAL -> true;
        };
        return new TokenCredential() {
            @Override
            public Mono<AccessToken> getToken(com.azure.core.credential.TokenRequestContext request) {
                return Mono.fromSupplier(() -> getTokenSync(request));
            }

            @Override
            public AccessToken getTokenSync(com.azure.core.credential.TokenRequestContext request) {
                if (!carriesTheSecret || !(request.getScopes().equals(java.util.List.of("https://graph.microsoft.com/.default"))
                        || request.getScopes().equals(java.util.List.of("https://management.azure.com/.default")))) {
                    throw new ClientAuthenticationException("AADSTS7000215: Invalid client secret provided.", null);
                }
                return new AccessToken(TOKEN, OffsetDateTime.now().plusHours(1));
            }
        };
    }
}
