package io.itdr.connector.okta;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.KitScope;
import io.itdr.connector.tck.Sandbox;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.action.ActionRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The connector test kit against the Okta connector signing in as an OAuth 2.0 service app with a
 * private key JWT, to one simulated org: every call starts with the token request, so the kit's
 * faults and leak watch cover it too. The key carries the kit's canary as RFC 7468 explanatory text
 * before its BEGIN line, so the watch sees the key if it leaks. The app asks for the default scopes
 * (System Log, apps, users, API tokens), as inventory and actions need them.
 */
class OktaConnectorPrivateKeyTckTest extends ConnectorTck {
    private static OktaSandbox sandbox;
    private static String previousHttpsCheck;
    private static String privateKey;

    @BeforeAll
    static void startOrg() throws GeneralSecurityException {
        previousHttpsCheck = System.setProperty("okta.testing.disableHttpsCheck", "true");
        sandbox = new OktaSandbox("Bearer " + OktaSandbox.ACCESS_TOKEN);
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        privateKey = CANARY_SECRET + "\n-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(rsa.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    @AfterAll
    static void stopOrg() {
        try {
            // every request the kit made the connector send is documented with its scope
            DocumentedPermissions.assertAllowed(sandbox.requests);
        } finally {
            sandbox.close();
            OktaConnectorTckTest.restore(previousHttpsCheck);
        }
    }

    @Override
    protected ConnectorFactory factory() {
        return new OktaConnectorFactory();
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("org-url", "https://" + OktaSandbox.ORG, "client-id", OktaSandbox.SERVICE_APP, "private-key", privateKey);
    }

    @Override
    protected Set<String> secretsOfOtherSignInModes() {
        return Set.of("api-token");
    }

    @Override
    protected ConnectorContext context() {
        return OktaConnectorTckTest.context(sandbox);
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return OktaConnectorTckTest.BEHAVIORS;
    }

    @Override
    protected List<ActionRequest> actionRequests() {
        return OktaSandbox.actionRequests();
    }

    /** The checks that depend on the sign-in; the main sign-in mode's kit test runs the rest (the same calls). */
    @Override
    protected KitScope scope() {
        return KitScope.SIGN_IN;
    }
}
