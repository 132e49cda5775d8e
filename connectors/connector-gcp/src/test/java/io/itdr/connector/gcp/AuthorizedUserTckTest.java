package io.itdr.connector.gcp;

import io.itdr.connector.tck.KitScope;
import java.util.Map;

/**
 * The connector test kit signed in with a user's credentials ({@code authorized_user}: a refresh token exchanged at
 * the file's {@code token_uri}, https://cloud.google.com/docs/authentication/application-default-credentials#personal);
 * the client secret carries the canary.
 */
class AuthorizedUserTckTest extends GcpConnectorTckTest {
    @Override
    protected Map<String, String> validConfig() {
        return Map.of("projects", GcpSandbox.PROJECT, "sign-in", "credentials-json", "credentials-json", sandbox.authorizedUserFile(CANARY_SECRET),
                "verify-attempts", "1");
    }

    /** The checks that depend on the sign-in; the main sign-in mode's kit test runs the rest (the same calls). */
    @Override
    protected KitScope scope() {
        return KitScope.SIGN_IN;
    }
}
