package io.itdr.connector.gitlab.act;

import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.SnapshotExecution;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gitlab4j.api.models.DeployKey;

/**
 * disable_credential of a project's deploy key ({@code project/<project id>/deploy_key/<key id>}, as the inventory
 * lists it). GitLab has no "disable" for a deploy key: the project's settings page "disables" one by removing it
 * from the project, {@code DELETE /api/v4/projects/:id/deploy_keys/:key_id}
 * (https://docs.gitlab.com/api/deploy_keys/#delete-deploy-key), which also deletes the key from the instance when no
 * other project uses it.
 *
 * <p>Declared <b>compensable</b>: revert first asks GitLab to enable the same key again,
 * {@code POST /api/v4/projects/:id/deploy_keys/:key_id/enable} (#enable-a-deploy-key), which works while the key
 * still exists (another project uses it): then it is the same key, same id. When GitLab answers 404 (the key was
 * deleted with its last project), revert adds the public key the plan kept, with its title,
 * {@code POST /api/v4/projects/:id/deploy_keys} (#add-deploy-key-for-a-project): the holder of the private key gets
 * the same access back, but GitLab makes a new key (new id, no last-use history). Write access ({@code can_push}) is
 * set back with {@code PUT /api/v4/projects/:id/deploy_keys/:key_id} when GitLab did not keep it. The snapshot names
 * the key by its material, as the id may change: {@code deployKey/<project>/<key id>} →
 * {@code present can_push=… title=… sha256=<fingerprint of the public key>} or {@code absent}. Calls through gitlab4j
 * ({@code DeployKeysApi}). Stateless.
 */
final class DeployKeyRemoval implements PlannedAction {
    static final String NAME = "deploy_key";
    private static final Pattern ID = Pattern.compile("project/(\\d{1,19})/deploy_key/(\\d{1,19})");
    private static final String ABSENT = "absent";

    private record Ref(String project, String key) {
    }

    private final String connectorId;
    private final GitLabCalls calls;
    private final Clock clock;

    DeployKeyRemoval(String connectorId, GitLabCalls calls, Clock clock) {
        this.connectorId = connectorId;
        this.calls = calls;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Ref ref = ActionTargets.identity(connectorId, request, v -> {
            Matcher m = ID.matcher(v);
            return m.matches() ? Optional.of(new Ref(m.group(1), m.group(2))) : Optional.empty();
        }, "deploy keys named project/<project id>/deploy_key/<key id>");
        Map<String, String> details = new LinkedHashMap<>();
        details.put("projectId", ref.project());
        details.put("keyId", ref.key());
        String described = "deploy key " + ref.key() + " of project " + ref.project();
        Optional<DeployKey> key = keys(ref).stream().filter(k -> ref.key().equals(String.valueOf(k.getId()))).findFirst();
        if (key.isEmpty()) {
            Snapshot gone = SnapshotExecution.snapshot(clock, snapshotKey(ref), ABSENT);
            return new ActionPlan(connectorId, request, List.of(), Reversibility.COMPENSABLE, gone, gone,
                    described + " is not there: nothing to do", details);
        }
        DeployKey k = key.get();
        details.put("publicKey", k.getKey());
        details.put("title", k.getTitle() == null ? "" : k.getTitle());
        details.put("canPush", Boolean.toString(Boolean.TRUE.equals(k.getCanPush())));
        Snapshot pre = SnapshotExecution.snapshot(clock, snapshotKey(ref), present(k));
        Snapshot post = SnapshotExecution.snapshot(clock, snapshotKey(ref), ABSENT);
        String summary = "Remove " + (Boolean.TRUE.equals(k.getCanPush()) ? "read-write " : "read-only ") + described + " '"
                + details.get("title") + "'; revert enables it again, or re-adds its public key as a new key when GitLab deleted it";
        return new ActionPlan(connectorId, request, List.of(call("DELETE /api/v4/projects/:id/deploy_keys/:key_id", ref, ref.key())),
                Reversibility.COMPENSABLE, pre, post, summary, details);
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        Ref ref = ref(plan);
        String material = plan.details().get("publicKey");
        for (DeployKey k : keys(ref)) {
            if (material == null ? ref.key().equals(String.valueOf(k.getId())) : material.equals(k.getKey())) {
                return SnapshotExecution.snapshot(clock, snapshotKey(ref), present(k));
            }
        }
        return SnapshotExecution.snapshot(clock, snapshotKey(ref), ABSENT);
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        Ref ref = ref(plan);
        String material = PlanDetails.require(plan, "publicKey");
        List<PlatformCall> done = new ArrayList<>();
        // whichever key holds the material: a revert may have brought it back under a new id
        for (DeployKey k : keys(ref)) {
            if (material.equals(k.getKey())) {
                delete(ref, k.getId());
                done.add(call("DELETE /api/v4/projects/:id/deploy_keys/:key_id", ref, String.valueOf(k.getId())));
            }
        }
        return done.isEmpty() ? List.of(call("DELETE /api/v4/projects/:id/deploy_keys/:key_id", ref, ref.key())) : done;
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        Ref ref = ref(plan);
        String material = PlanDetails.require(plan, "publicKey");
        boolean canPush = Boolean.parseBoolean(PlanDetails.require(plan, "canPush"));
        List<PlatformCall> done = new ArrayList<>();
        // a forced revert after someone re-added the key otherwise: it goes first, the planned one comes back as it was
        for (DeployKey k : keys(ref)) {
            if (material.equals(k.getKey())) {
                delete(ref, k.getId());
                done.add(call("DELETE /api/v4/projects/:id/deploy_keys/:key_id", ref, String.valueOf(k.getId())));
            }
        }
        DeployKey back;
        try {
            back = calls.call("POST /projects/:id/deploy_keys/:key_id/enable",
                    gitlab -> gitlab.getDeployKeysApi().enableDeployKey(Long.valueOf(ref.project()), Long.valueOf(ref.key())));
            done.add(call("POST /api/v4/projects/:id/deploy_keys/:key_id/enable", ref, ref.key()));
        } catch (ConnectorException e) {
            if (e.code() != ErrorCode.NOT_FOUND) {
                throw e;
            }
            // the key left the instance with its last project: only its public key can come back, as a new key
            back = calls.call("POST /projects/:id/deploy_keys", gitlab -> gitlab.getDeployKeysApi().addDeployKey(Long.valueOf(ref.project()),
                    PlanDetails.require(plan, "title"), material, canPush));
            done.add(call("POST /api/v4/projects/:id/deploy_keys", ref, "(re-added as key " + (back == null ? "?" : back.getId()) + ")"));
        }
        if (back != null && Boolean.TRUE.equals(back.getCanPush()) != canPush) {
            long id = back.getId();
            calls.call("PUT /projects/:id/deploy_keys/:key_id",
                    gitlab -> gitlab.getDeployKeysApi().updateDeployKey(Long.valueOf(ref.project()), id, null, canPush));
            done.add(call("PUT /api/v4/projects/:id/deploy_keys/:key_id", ref, String.valueOf(id)));
        }
        return done;
    }

    private List<DeployKey> keys(Ref ref) {
        return calls.call("GET /projects/:id/deploy_keys", gitlab -> gitlab.getDeployKeysApi().getProjectDeployKeys(Long.valueOf(ref.project())));
    }

    private void delete(Ref ref, long id) {
        calls.call("DELETE /projects/:id/deploy_keys/:key_id", gitlab -> {
            gitlab.getDeployKeysApi().deleteDeployKey(Long.valueOf(ref.project()), id);
            return null;
        });
    }

    /** Write access, title and the SHA-256 of the public key (a deploy key's private half never reaches GitLab). */
    private static String present(DeployKey k) {
        return "present can_push=" + Boolean.TRUE.equals(k.getCanPush()) + " title=" + (k.getTitle() == null ? "" : k.getTitle())
                + " sha256=" + fingerprint(k.getKey());
    }

    private static String fingerprint(String publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.valueOf(publicKey).trim().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String snapshotKey(Ref ref) {
        return "deployKey/" + ref.project() + "/" + ref.key();
    }

    private static PlatformCall call(String operation, Ref ref, String key) {
        return new PlatformCall(operation, ref.project() + "/" + key, true);
    }

    private static Ref ref(ActionPlan plan) {
        return new Ref(PlanDetails.require(plan, "projectId"), PlanDetails.require(plan, "keyId"));
    }
}
