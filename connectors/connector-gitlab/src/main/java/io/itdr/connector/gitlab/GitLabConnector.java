package io.itdr.connector.gitlab;

import io.itdr.connector.gitlab.act.GitLabActionExecutor;
import io.itdr.connector.gitlab.inventory.GitLabInventory;
import io.itdr.connector.gitlab.normalize.AuditEventNormalizer;
import io.itdr.connector.gitlab.telemetry.AuditEventSource;
import io.itdr.connector.support.AssembledConnector;
import io.itdr.connector.support.ConnectorParts;
import io.itdr.spi.ConnectorContext;
import java.net.URI;
import java.util.Objects;

/**
 * A connection to one GitLab instance's audit events (instance, one group or one project): polls them
 * from a persisted cursor and normalizes what GitLab exports or streams. Every event names the host
 * and group or project as its tenant. Blocks accounts, removes deploy keys, rotates and revokes project access tokens
 * ({@link GitLabActionExecutor}); lists access tokens, deploy tokens and service accounts ({@link GitLabInventory}).
 * Inventory and actions go through gitlab4j ({@link GitLabLibrary}); audit events over the JDK client ({@link GitLabApi}). Thread-safe; {@link #toString()} never shows the token.
 */
public final class GitLabConnector extends AssembledConnector {
    private final GitLabSettings settings;
    private final AuditEventSource telemetry;
    private final ConnectorParts parts;
    private final GitLabLibrary library;

    GitLabConnector(GitLabSettings settings, ConnectorContext context) {
        this.settings = Objects.requireNonNull(settings, "settings");
        URI baseUrl = context.http().endpoint(GitLabConnectorFactory.ID).orElse(settings.baseUrl());
        GitLabApi api = new GitLabApi(baseUrl, context.http(), context.metrics(), context.clock());
        this.library = new GitLabLibrary(baseUrl, settings.token(), context.http(), context.metrics(), api);
        AuditEventNormalizer normalizer = new AuditEventNormalizer(settings.tenant());
        this.telemetry = new AuditEventSource(api, settings.token(), settings.auditEventsPath(), settings.lookback(), normalizer,
                context.metrics(), context.clock());
        this.parts = ConnectorParts.builder(GitLabConnectorFactory.ID).telemetry(telemetry).normalizer(normalizer)
                .inventory(new GitLabInventory(GitLabConnectorFactory.ID, library, settings.scope(), settings.scopeId(),
                        settings.tenantName()))
                .actions(new GitLabActionExecutor(GitLabConnectorFactory.ID, library, context.clock())).build();
    }

    /** One read of the audit events of the last minute: the permission every mode needs. */
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
        // gitlab4j's Jersey client holds a connection pool; the JDK client holds nothing that needs closing on JDK 17
        library.close();
    }

    @Override
    public String toString() {
        return "GitLabConnector[" + settings + ", " + telemetry + "]";
    }
}
