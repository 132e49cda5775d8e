package io.itdr.connector.github.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the inventory makes of the sandbox's estate, signed in as a GitHub App (so fine-grained token grants are listed too). */
class GitHubInventoryTest {
    private static InventoryFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = InventoryFixture.start();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void appsDeployKeysAndTokenGrantsAreListedWithWhatTheyMayDo() {
        InventoryPage page = fixture.connector().inventory().list(null, 100);
        assertThat(page.isLast()).isTrue();
        Map<String, InventoryIdentity> byId = page.identities().stream()
                .collect(Collectors.toMap(i -> i.identity().id(), Function.identity()));

        InventoryIdentity app = byId.get("deploy-bot[bot]");
        assertThat(app.identity().kind()).isEqualTo("github_app");
        assertThat(app.enabled()).isTrue();
        assertThat(app.privilegeScopes()).containsExactly("contents:write", "metadata:read");
        assertThat(app.privileged()).isFalse();
        assertThat(app.tags()).containsEntry("installation_id", "101");
        InventoryIdentity admin = byId.get("org-admin-helper[bot]");
        assertThat(admin.enabled()).as("a suspended installation").isFalse();
        assertThat(admin.privileged()).isTrue();

        InventoryIdentity write = byId.get("itdr-tck/payments:deploy_key:8002");
        assertThat(write.identity().kind()).isEqualTo("deploy_key");
        assertThat(write.privilegeScopes()).containsExactly("contents:write");
        assertThat(write.privileged()).isTrue();
        assertThat(write.owner()).as("from the repository topic owner-…").isEqualTo("platform-team");
        assertThat(write.tags()).as("the custom property outranks the topic criticality-tier1").containsEntry("criticality", "tier0")
                .containsEntry("property.data_class", "pci").containsEntry("title", "release-push");
        assertThat(write.credentials()).extracting(Credential::id).containsExactly("8002");
        assertThat(write.credentials().get(0).lastUsed()).hasToString("2026-02-28T22:00:00Z");
        assertThat(byId.get("itdr-tck/payments:deploy_key:8001").privileged()).isFalse();

        InventoryIdentity mona = byId.get("mona");
        assertThat(mona.identity().kind()).isEqualTo("fine_grained_pat");
        assertThat(mona.credentials()).extracting(Credential::id).as("token ids, as the audit log names them")
                .containsExactly("7001", "7002");
        assertThat(mona.credentials()).allMatch(c -> c.expires() != null);
        assertThat(mona.privilegeScopes()).containsExactly("contents:read", "contents:write");

        InventoryIdentity actions = byId.get("itdr-tck:actions");
        assertThat(actions.identity().kind()).isEqualTo("workflow");
        assertThat(actions.credentials()).extracting(Credential::id).as("secret names, never values")
                .containsExactly("AWS_DEPLOY_ROLE", "NPM_TOKEN");
        assertThat(actions.tags()).containsEntry("oidc_subject_claims", "repo,context").containsEntry("default_workflow_permissions", "write");
        assertThat(actions.privileged()).as("workflow tokens may write by default").isTrue();
    }

    @Test
    void oneIdentityIsReadFresh() {
        var inventory = fixture.connector().inventory();
        assertThat(inventory.get("itdr-tck", new IdentityRef("itdr-tck/payments:deploy_key:8001", "deploy_key", null)))
                .hasValueSatisfying(i -> assertThat(i.tags()).containsEntry("read_only", "true"));
        assertThat(inventory.get("itdr-tck", new IdentityRef("itdr-tck/payments:deploy_key:1", "deploy_key", null))).isEmpty();
        assertThat(inventory.get("itdr-tck", IdentityRef.of("deploy-bot[bot]"))).isPresent();
        assertThat(inventory.get("itdr-tck", IdentityRef.of("mona"))).hasValueSatisfying(i -> assertThat(i.credentials()).hasSize(2));
    }
}
