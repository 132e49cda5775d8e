package io.itdr.connector.github.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.connector.github.GitHubSignIn;
import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotExecution;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.config.Secret;
import java.io.IOException;
import java.security.PrivateKey;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * disable_identity of a GitHub App installation ({@code <app slug>[bot]}, as the audit log and the inventory name it):
 * {@code PUT /app/installations/{installation_id}/suspended} ↔ {@code DELETE …/suspended}
 * (https://docs.github.com/en/rest/apps/apps#suspend-an-app-installation, #unsuspend-an-app-installation). A suspended
 * installation cannot reach the organization's resources and its installation tokens are refused; unsuspending gives
 * back exactly what it had (its permissions and repository selection are kept): <b>reversible</b>.
 *
 * <p>GitHub takes only the JWT of the app itself for these calls, so the connector can suspend one app: the
 * {@code managed-app-id} whose private key the operator gives (the organization's own automation app), never an app it
 * does not hold the key of. Its installation on the organization is found with that JWT,
 * {@code GET /orgs/{org}/installation} (#get-an-organization-installation-for-the-authenticated-app); its state read
 * with {@code GET /app/installations/{installation_id}} (#get-an-installation-for-the-authenticated-app),
 * {@code suspended_at} null or a time. Snapshot {@code installation/<id>/suspended} → {@code true} or {@code false}.
 * Stateless; the key stays in {@link ManagedApp}.
 */
public final class InstallationSuspension implements PlannedAction {
    static final String NAME = "installation";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The app whose installation may be suspended, and its key (never shown). Thread-safe. */
    public static final class ManagedApp {
        private final String appId;
        private final Secret key;
        private PrivateKey parsed;

        public ManagedApp(String appId, Secret key) {
            this.appId = Objects.requireNonNull(appId, "appId");
            this.key = Objects.requireNonNull(key, "key");
        }

        synchronized String authorization(Clock clock) {
            if (parsed == null) {
                parsed = GitHubSignIn.readKey(key);
            }
            return "Bearer " + GitHubSignIn.appJwt(appId, parsed, clock.instant());
        }

        @Override
        public String toString() {
            return "ManagedApp[" + appId + ", key ****]";
        }
    }

    private final String connectorId;
    private final GitHubOrg org;
    private final ManagedApp app;
    private final Clock clock;

    InstallationSuspension(String connectorId, GitHubOrg org, ManagedApp app, Clock clock) {
        this.connectorId = connectorId;
        this.org = org;
        this.app = app;
        this.clock = clock;
    }

    /** Whether {@code request} names an app installation (a bot login other than GitHub Actions'). */
    static boolean names(ActionRequest request) {
        String id = request.target().identity().id();
        return "github_app".equals(request.target().identity().kind()) || id.endsWith("[bot]") && !id.equals("github-actions[bot]");
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String target = request.target().identity().id();
        if (app == null) {
            throw ActionTargets.refuse(connectorId, request, "an app installation is suspended with the JWT of that app only: give its "
                    + "id and private key as managed-app-id and managed-app-private-key");
        }
        JsonNode installation = call("GET", "/orgs/" + GitHubOrg.enc(org.org) + "/installation", null);
        String slug = installation.path("app_slug").asText("");
        if (!target.equals(slug + "[bot]")) {
            throw ActionTargets.refuse(connectorId, request, "the managed app is '" + slug + "'; the installation of " + target
                    + " can be suspended only with that app's own key");
        }
        String id = installation.path("id").asText();
        if (!id.matches("[0-9]{1,20}")) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /orgs/{org}/installation: no numeric 'id' in the answer");
        }
        boolean suspended = !installation.path("suspended_at").isNull() && !installation.path("suspended_at").isMissingNode();
        Snapshot pre = SnapshotExecution.snapshot(clock, key(id), Boolean.toString(suspended));
        Snapshot post = SnapshotExecution.snapshot(clock, key(id), "true");
        String described = "the installation " + id + " of " + slug + " on " + org.org;
        return new ActionPlan(connectorId, request, suspended ? List.of() : List.of(call(id, true)), Reversibility.REVERSIBLE, pre, post,
                suspended ? described + " is already suspended: nothing to do"
                        : "Suspend " + described + " (its tokens refused, nothing deleted); unsuspending restores it",
                Map.of(RungDispatch.ACTION, NAME, "installationId", id));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String id = PlanDetails.require(plan, "installationId");
        JsonNode installation = call("GET", "/app/installations/" + id, null);
        boolean suspended = !installation.path("suspended_at").isNull() && !installation.path("suspended_at").isMissingNode();
        return SnapshotExecution.snapshot(clock, key(id), Boolean.toString(suspended));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String id = PlanDetails.require(plan, "installationId");
        call("PUT", "/app/installations/" + id + "/suspended", null);
        return List.of(call(id, true));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String id = PlanDetails.require(plan, "installationId");
        boolean suspend = SnapshotExecution.onlyValue(plan.preState()).equals("true");
        call(suspend ? "PUT" : "DELETE", "/app/installations/" + id + "/suspended", null);
        return List.of(call(id, suspend));
    }

    private JsonNode call(String method, String path, String body) {
        if (app == null) {
            throw new ConnectorException(ErrorCode.NOT_SUPPORTED, "no managed app: installations cannot be suspended");
        }
        String text = org.asApp(method, path, () -> app.authorization(clock), body);
        if (text.isBlank()) {
            return JSON.nullNode();
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, method + " " + path + ": expected a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, method + " " + path + ": the answer is not JSON");
        }
    }

    private static PlatformCall call(String id, boolean suspend) {
        return new PlatformCall((suspend ? "PUT" : "DELETE") + " /app/installations/{installation_id}/suspended", id, true);
    }

    private static String key(String id) {
        return "installation/" + id + "/suspended";
    }
}
