package io.itdr.connector.github;

import io.itdr.connector.github.act.GitHubActionExecutor;
import io.itdr.connector.github.act.InstallationSuspension;
import io.itdr.connector.github.inventory.GitHubInventory;
import io.itdr.connector.github.normalize.AuditLogNormalizer;
import io.itdr.connector.github.telemetry.AuditLogSource;
import io.itdr.connector.support.AssembledConnector;
import io.itdr.connector.support.ConnectorParts;
import io.itdr.spi.ConnectorContext;
import java.net.URI;
import java.util.Objects;

/**
 * A connection to one GitHub organization: polls its audit log from a persisted cursor and normalizes
 * what GitHub exports or streams. The API's base URL is the host's endpoint override for
 * {@code github} when one is set, else {@code api-url}. Lists the org's GitHub App installations, deploy
 * keys and fine-grained token grants ({@link GitHubInventory}), and contains workflows, deploy keys and
 * (as a GitHub App) fine-grained token grants ({@link GitHubActionExecutor}); repositories, deploy keys and workflows
 * through org.kohsuke:github-api ({@link GitHubLibrary}), the rest over the JDK client ({@link GitHubApi}).
 *
 * <p>Thread-safe: the HTTP client, the sign-in, the normalizer and the source are. {@link #toString()}
 * never shows a secret.
 */
public final class GitHubConnector extends AssembledConnector {
    private final GitHubSettings settings;
    private final AuditLogSource telemetry;
    private final GitHubSignIn signIn;
    private final ConnectorParts parts;

    GitHubConnector(GitHubSettings settings, ConnectorContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        URI apiUrl = context.http().endpoint(GitHubConnectorFactory.ID).orElse(settings.apiUrl());
        GitHubApi api = new GitHubApi(apiUrl, context.http(), context.metrics(), context.clock());
        this.signIn = new GitHubSignIn(settings, api, context.clock());
        GitHubLibrary library = new GitHubLibrary(api, signIn);
        AuditLogNormalizer normalizer = new AuditLogNormalizer(settings.org());
        this.telemetry = new AuditLogSource(api, signIn, settings, normalizer, context.metrics(), context.clock());
        this.parts = ConnectorParts.builder(GitHubConnectorFactory.ID).telemetry(telemetry).normalizer(normalizer)
                .inventory(new GitHubInventory(GitHubConnectorFactory.ID, api, signIn, library, settings, context.clock()))
                .actions(new GitHubActionExecutor(GitHubConnectorFactory.ID, api, signIn, library, settings.org(), settings.appMode(),
                        settings.managedAppId() == null ? null : new InstallationSuspension.ManagedApp(settings.managedAppId(), settings.managedAppKey()),
                        context.clock()))
                .build();
    }

    /** One read of the audit log's newest event: the permission every mode of the connector needs. */
    @Override
    protected ConnectorParts parts() {
        return parts;
    }

    @Override
    public void checkHealth() {
        telemetry.probe();
    }

    @Override
    public void close() {
        // the JDK client holds no resource that needs closing on JDK 17
    }

    @Override
    public String toString() {
        return "GitHubConnector[" + settings + ", " + signIn + ", " + telemetry + "]";
    }
}
