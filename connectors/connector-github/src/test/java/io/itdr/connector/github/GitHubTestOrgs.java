package io.itdr.connector.github;

import io.itdr.spi.Connector;
import io.itdr.spi.config.ConfigSchema;
import java.util.Map;

/** The kit's sandbox organization with a connector signed in to it, for tests outside the kit. */
public final class GitHubTestOrgs {
    private GitHubTestOrgs() {
    }

    /** A running sandbox and a connector signed in to it. */
    public record Running(GitHubSandbox sandbox, Connector connector) implements AutoCloseable {
        @Override
        public void close() {
            connector.close();
            sandbox.close();
        }
    }

    /** Signed in as the GitHub App's installation. */
    public static Running appSignedIn() throws Exception {
        GitHubSandbox sandbox = new GitHubSandbox("Bearer " + GitHubApps.INSTALLATION_TOKEN, true);
        GitHubApps app = new GitHubApps(sandbox.server(), GitHubSandbox.ORG);
        sandbox.alsoStub(app::stub);
        GitHubConnectorFactory factory = new GitHubConnectorFactory();
        Connector connector = factory.create(new ConfigSchema(factory.id(), factory.configProperties()).validate(
                Map.of("org", GitHubSandbox.ORG, "app-id", GitHubApps.APP_ID, "private-key", app.privateKeyPem())),
                GitHubConnectorTckTest.context(sandbox));
        return new Running(sandbox, connector);
    }
}
