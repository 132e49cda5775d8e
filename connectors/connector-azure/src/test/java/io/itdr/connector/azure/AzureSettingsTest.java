package io.itdr.connector.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.identity.ClientCertificateCredential;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.DefaultAzureCredential;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.Secret;
import java.net.URI;
import org.junit.jupiter.api.Test;

class AzureSettingsTest {
    private static final String TENANT = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    private static final String CLIENT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    private static final URI GRAPH = URI.create("https://graph.microsoft.com");
    private static final URI AUTHORITY = URI.create("https://login.microsoftonline.com/");

    private static AzureSettings settings(String client, Secret secret, Secret certificate, boolean defaultCredential) {
        return new AzureSettings(TENANT, client, secret, certificate, defaultCredential, GRAPH, AUTHORITY);
    }

    @Test
    void exactlyOneWayToSignInIsAccepted() {
        assertThatThrownBy(() -> settings(CLIENT, null, null, false)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID)).hasMessageContaining("no way to sign in");
        assertThatThrownBy(() -> settings(CLIENT, Secret.of("s3cr3t-value"), null, true))
                .hasMessageContaining("give exactly one way to sign in, not client-secret and default-credential=true")
                .hasMessageNotContaining("s3cr3t-value");
        assertThatThrownBy(() -> settings(null, Secret.of("s3cr3t-value"), null, false)).hasMessageContaining("client-id: is required");
    }

    @Test
    void aCertificateMustBePemWithItsKeyAndIsNeverQuoted() {
        assertThatThrownBy(() -> settings(CLIENT, null, Secret.of("not-a-pem-secret"), false))
                .hasMessageContaining("client-certificate: expected PEM").hasMessageNotContaining("not-a-pem-secret");
    }

    @Test
    void theTenantMustBeADirectoryIdAndUrlsHttps() {
        assertThatThrownBy(() -> new AzureSettings("contoso.onmicrosoft.com", CLIENT, Secret.of("x"), null, false, GRAPH, AUTHORITY))
                .hasMessageContaining("tenant-id: 'contoso.onmicrosoft.com' is not a directory (tenant) id");
        assertThatThrownBy(() -> new AzureSettings(TENANT, CLIENT, Secret.of("x"), null, false, URI.create("http://graph.local"), AUTHORITY))
                .hasMessageContaining("graph-url: must be an https URL");
    }

    /**
     * The credential's HTTP stack (azure-core, its Netty client, MSAL) loads with the versions this build
     * resolves: asking an authority that refuses connections fails with an exception, not a linkage error.
     */
    @Test
    void aSecretCredentialAskingAnUnreachableAuthorityFailsWithAnExceptionNotALinkageError() {
        var credential = new AzureCredentials().apply(new AzureSettings(TENANT, CLIENT, Secret.of("x"), null, false, GRAPH,
                URI.create("https://127.0.0.1:1/")));
        Throwable thrown = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () -> {
            try {
                credential.getTokenSync(new com.azure.core.credential.TokenRequestContext().addScopes("https://graph.microsoft.com/.default"));
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertThat(thrown).isInstanceOf(RuntimeException.class);
    }

    @Test
    void eachModeMakesItsAzureIdentityCredentialWithoutCallingEntra() {
        AzureCredentials credentials = new AzureCredentials();
        assertThat(credentials.apply(settings(CLIENT, Secret.of("x"), null, false))).isInstanceOf(ClientSecretCredential.class);
        assertThat(credentials.apply(settings(null, null, null, true))).isInstanceOf(DefaultAzureCredential.class);
        assertThat(settings(CLIENT, Secret.of("s3cr3t-value"), null, false).toString()).doesNotContain("s3cr3t-value")
                .contains("client secret (****)");
    }
}
