package io.itdr.connector.gcp;

import io.itdr.connector.tck.KitScope;
import java.util.Map;

/**
 * The connector test kit signed in with a service account key and working as another account, impersonated through
 * the IAM Service Account Credentials API ({@code impersonate-service-account}; the simulated
 * {@code generateAccessToken} answers the key's token). {@link ImpersonationTest} checks that the APIs then see the
 * impersonated account's token and nothing else.
 */
class ImpersonatedServiceAccountTckTest extends GcpConnectorTckTest {
    @Override
    protected Map<String, String> validConfig() {
        return Map.of("projects", GcpSandbox.PROJECT, "sign-in", "credentials-json", "credentials-json", sandbox.keyFile(CANARY_SECRET),
                "impersonate-service-account", GcpSandbox.READER, "verify-attempts", "1");
    }

    /** The checks that depend on the sign-in; the main sign-in mode's kit test runs the rest (the same calls). */
    @Override
    protected KitScope scope() {
        return KitScope.SIGN_IN;
    }
}
