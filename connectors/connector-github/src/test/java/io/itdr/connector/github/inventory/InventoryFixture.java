package io.itdr.connector.github.inventory;

import io.itdr.connector.github.GitHubTestOrgs;
import io.itdr.spi.Connector;

/** A connector signed in as a GitHub App to the kit's sandbox, for tests outside the kit. */
final class InventoryFixture implements AutoCloseable {
    private final GitHubTestOrgs.Running running;

    private InventoryFixture(GitHubTestOrgs.Running running) {
        this.running = running;
    }

    static InventoryFixture start() throws Exception {
        return new InventoryFixture(GitHubTestOrgs.appSignedIn());
    }

    Connector connector() {
        return running.connector();
    }

    @Override
    public void close() {
        running.close();
    }
}
