package io.itdr.connector.gcp.act;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.gcp.GcpSandbox;
import io.itdr.connector.gcp.GcpSettings;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.action.Verification;
import io.itdr.spi.config.Secret;
import io.itdr.spi.event.IdentityRef;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GcpActionExecutorTest {
    private static GcpSandbox sandbox;
    private GcpClients clients;
    private final List<Duration> waits = new ArrayList<>();

    @BeforeAll
    static void start() {
        sandbox = new GcpSandbox();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void connect() {
        sandbox.reset();
        waits.clear();
        clients = new GcpClients(new GcpSettings(List.of(GcpSandbox.PROJECT), GcpSettings.SignIn.CREDENTIALS_JSON,
                Secret.of(sandbox.keyFile("key-1")), null),
                new HttpSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), null,
                        Map.of("iam", sandbox.endpoint(), "cloudresourcemanager", sandbox.endpoint())));
    }

    @AfterEach
    void close() {
        clients.close();
    }

    private GcpActionExecutor executor(int attempts, GcpActionExecutor.Sleeper sleeper) {
        return new GcpActionExecutor("gcp", clients, new SettableClock(TestingConnectorContext.NOW), attempts, Duration.ofSeconds(5), true, sleeper);
    }

    private static ActionRequest disable(String email) {
        return new ActionRequest(Rung.DISABLE_IDENTITY, new ActionTarget(GcpSandbox.PROJECT, new IdentityRef(email, "service_account", null), null),
                Map.of());
    }

    @Test
    void verifyReadsAgainWithDoublingWaitsUntilTheChangeShowsAndSaysHowLongItTook() {
        GcpActionExecutor executor = executor(6, waits::add);
        ActionPlan plan = executor.plan(disable(GcpSandbox.BACKUP));
        // IAM shows the change only from the third read on, as a change still propagating would
        GcpActionExecutor propagating = executor(6, wait -> {
            waits.add(wait);
            if (waits.size() == 2) {
                sandbox.iam().setAccountDisabled(GcpSandbox.BACKUP, true);
            }
        });
        Verification v = propagating.verify(plan);
        assertThat(v.inPostState()).isTrue();
        assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
        assertThat(v.detail()).isEqualTo("in the post-state at read 3 of 6, after 15 s (IAM propagation)");
    }

    /** Runs {@code change} right after the {@code from}-th to {@code to}-th policy reads from now on. */
    private static void afterPolicyReads(int from, int to, java.util.function.IntConsumer change) {
        int[] read = {0};
        Runnable[] hook = new Runnable[1];
        hook[0] = () -> {
            read[0]++;
            if (read[0] >= from) {
                change.accept(read[0]);
            }
            if (read[0] < to) {
                sandbox.iam().hooks.afterNext("projects.getIamPolicy", hook[0]);
            }
        };
        sandbox.iam().hooks.afterNext("projects.getIamPolicy", hook[0]);
    }

    @Test
    void verifyGivesUpAfterItsAttemptsAndSaysSo() {
        GcpActionExecutor executor = executor(3, waits::add);
        ActionPlan plan = executor.plan(disable(GcpSandbox.BACKUP));
        Verification v = executor.verify(plan);
        assertThat(v.inPostState()).isFalse();
        assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(10));
        assertThat(v.detail()).contains("still after 3 reads over 15 s");
    }

    @Test
    void aPolicyChangedBetweenReadAndWriteIsReadAndWrittenAgainWithTheNewEtag() {
        GcpActionExecutor executor = executor(1, waits::add);
        ActionRequest quarantine = new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(GcpSandbox.PROJECT,
                new IdentityRef(GcpSandbox.REPORTER, "service_account", null), null), Map.of());
        ActionPlan plan = executor.plan(quarantine);
        // someone else grants a role right after the write's read of the policy (the 2nd read; the 1st checks the state): its etag is stale
        afterPolicyReads(2, 2, n -> sandbox.iam().bind(GcpSandbox.PROJECT, "roles/logging.viewer", "user:ops@example.com"));
        executor.execute(plan, "k-1");
        assertThat(sandbox.iam().state(GcpSandbox.REPORTER)).doesNotContainKeys(
                "project/" + GcpSandbox.PROJECT + "/binding/roles/viewer", "project/" + GcpSandbox.PROJECT + "/binding/roles/bigquery.dataViewer");
        assertThat(sandbox.iam().members(GcpSandbox.PROJECT, "roles/logging.viewer")).containsExactly("user:ops@example.com");
        assertThat(sandbox.iam().members(GcpSandbox.PROJECT, "roles/viewer")).containsExactly("user:ana@example.com");
    }

    @Test
    void aPolicyThatKeepsChangingIsNotOverwritten() {
        GcpActionExecutor executor = executor(1, waits::add);
        ActionPlan plan = executor.plan(new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(GcpSandbox.PROJECT,
                new IdentityRef(GcpSandbox.REPORTER, "service_account", null), null), Map.of()));
        // every read-modify-write of the executor meets a concurrent change
        afterPolicyReads(2, 1 + BindingRemoval.ATTEMPTS, n -> sandbox.iam().bind(GcpSandbox.PROJECT, "roles/logging.viewer",
                "user:ops" + n + "@example.com"));
        assertThatThrownBy(() -> executor.execute(plan, "k-2"))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT))
                .hasMessageContaining("nothing was written");
        assertThat(sandbox.iam().members(GcpSandbox.PROJECT, "roles/viewer")).contains("serviceAccount:" + GcpSandbox.REPORTER);
    }

    private static ActionRequest quarantine(String email) {
        return new ActionRequest(Rung.QUARANTINE_SESSION, new ActionTarget(GcpSandbox.PROJECT, new IdentityRef(email, "service_account", null), null),
                Map.of());
    }

    @Test
    void quarantineTakesTheAccountsRolesOnItsProjectAndItsOrganizationAndRevertGivesThemBack() {
        GcpActionExecutor executor = executor(1, waits::add);
        String member = "serviceAccount:" + GcpSandbox.SERVICE_ACCOUNT;
        ActionPlan plan = executor.plan(quarantine(GcpSandbox.SERVICE_ACCOUNT));
        assertThat(plan.calls()).extracting(c -> c.operation() + " " + c.resource()).containsExactly(
                "cloudresourcemanager:projects.setIamPolicy projects/" + GcpSandbox.PROJECT,
                "cloudresourcemanager:organizations.setIamPolicy " + GcpSandbox.ORGANIZATION);
        assertThat(plan.preState().state()).containsKeys("organizations/200/role/roles/owner/" + member);
        executor.execute(plan, "k-org");
        assertThat(executor.verify(plan).inPostState()).isTrue();
        assertThat(sandbox.iam().membersOn(GcpSandbox.ORGANIZATION, "roles/owner")).isEmpty();
        assertThat(sandbox.iam().membersOn(GcpSandbox.ORGANIZATION, "roles/viewer")).containsExactly("group:auditors@example.com");
        assertThat(sandbox.iam().members(GcpSandbox.PROJECT, "roles/editor")).isEmpty();
        executor.revert(plan, false);
        assertThat(sandbox.iam().membersOn(GcpSandbox.ORGANIZATION, "roles/owner")).containsExactly(member);
        assertThat(sandbox.iam().members(GcpSandbox.PROJECT, "roles/editor")).containsExactly(member);
        assertThat(sandbox.iam().members(GcpSandbox.PROJECT, "roles/iam.serviceAccountTokenCreator")).containsExactly(member);
    }

    @Test
    void aFolderPolicyChangedBetweenReadAndWriteIsReadAndWrittenAgainWithTheNewEtag() {
        GcpActionExecutor executor = executor(1, waits::add);
        ActionPlan plan = executor.plan(quarantine(GcpSandbox.REPORTER));
        // the folder's 1st read checks the state, the 2nd is the write's: a grant lands right after it, so its etag is stale
        int[] reads = {0};
        Runnable[] hook = new Runnable[1];
        hook[0] = () -> {
            if (++reads[0] == 2) {
                sandbox.iam().bindOn(GcpSandbox.FOLDER, "roles/logging.viewer", "user:ops@example.com");
            } else {
                sandbox.iam().hooks.afterNext("folders.getIamPolicy", hook[0]);
            }
        };
        sandbox.iam().hooks.afterNext("folders.getIamPolicy", hook[0]);
        executor.execute(plan, "k-folder");
        assertThat(reads[0]).isEqualTo(2);
        assertThat(sandbox.iam().membersOn(GcpSandbox.FOLDER, "roles/viewer")).isEmpty();
        assertThat(sandbox.iam().membersOn(GcpSandbox.FOLDER, "roles/logging.viewer")).containsExactly("user:ops@example.com");
        assertThat(sandbox.iam().members(GcpSandbox.PROJECT, "roles/viewer")).containsExactly("user:ana@example.com");
    }
}
