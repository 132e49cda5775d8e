package io.itdr.connector.github;

import io.itdr.connector.tck.Behavior;
import io.itdr.connector.tck.ConnectorTck;
import io.itdr.connector.tck.KitScope;
import io.itdr.connector.tck.Sandbox;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.action.ActionRequest;
import java.util.List;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The connector test kit against the GitHub connector signing in as a GitHub App installation: the
 * first call of every connector buys an installation token with a JWT (GitHubApps' stubs), so the kit's
 * faults and leak watch cover it too. The key is PKCS#1, as GitHub downloads it, and carries the kit's
 * canary as RFC 7468 explanatory text before its BEGIN line, so the watch sees the key if it leaks.
 */
class GitHubAppTckTest extends ConnectorTck {
    private static GitHubSandbox sandbox;
    private static GitHubApps app;
    /** Only its key is used: the managed app's JWT is checked by the sandbox's AppInstallationSimulation. */
    private static GitHubApps managed;

    @BeforeAll
    static void startOrg() throws GeneralSecurityException {
        sandbox = new GitHubSandbox("Bearer " + GitHubApps.INSTALLATION_TOKEN, true);
        app = new GitHubApps(sandbox.server(), GitHubSandbox.ORG);
        managed = new GitHubApps(sandbox.server(), GitHubSandbox.ORG);
        sandbox.alsoStub(app::stub);
    }

    @AfterAll
    static void stopOrg() {
        sandbox.close();
    }

    @Override
    protected ConnectorFactory factory() {
        return new GitHubConnectorFactory();
    }

    @Override
    protected Map<String, String> validConfig() {
        return Map.of("org", GitHubSandbox.ORG, "app-id", GitHubApps.APP_ID, "private-key", CANARY_SECRET + "\n" + app.privateKeyPem(),
                "managed-app-id", GitHubSandbox.MANAGED_APP_ID, "managed-app-private-key", CANARY_SECRET + "\n" + managed.privateKeyPem());
    }

    @Override
    protected Set<String> secretsOfOtherSignInModes() {
        return Set.of("token");
    }

    @Override
    protected ConnectorContext context() {
        return GitHubConnectorTckTest.context(sandbox);
    }

    @Override
    protected List<ActionRequest> actionRequests() {
        return sandbox.actionRequests();
    }

    @Override
    protected Sandbox sandbox() {
        return sandbox;
    }

    @Override
    protected Set<Behavior> behaviors() {
        return GitHubConnectorTckTest.BEHAVIORS;
    }

    /** The checks that depend on the sign-in; the main sign-in mode's kit test runs the rest (the same calls). */
    @Override
    protected KitScope scope() {
        return KitScope.SIGN_IN;
    }
}
