package io.itdr.connector.gcp;

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

    /** The actions' calls are those of the main sign-in mode, whose kit test runs the mutating-call fault checks. */
    @Override
    protected boolean checksMutatingCallFaults() {
        return false;
    }
}
