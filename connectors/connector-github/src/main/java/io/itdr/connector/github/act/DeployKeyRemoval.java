package io.itdr.connector.github.act;

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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kohsuke.github.GHDeployKey;

/**
 * disable_credential of a deploy key ({@code <org>/<repo>:deploy_key:<id>}, as the inventory lists it):
 * {@code DELETE /repos/{owner}/{repo}/keys/{key_id}} (https://docs.github.com/en/rest/deploy-keys/deploy-keys#delete-a-deploy-key).
 * GitHub has no way to disable a deploy key: "Deploy keys are immutable. If you need to update a key,
 * remove the key and create a new one instead." The key pair stays with whoever holds it; only GitHub's
 * trust in it goes.
 *
 * <p>Declared <b>compensable</b>, not reversible: revert re-adds the same public key with its title and
 * access ({@code POST /repos/{owner}/{repo}/keys}, #create-a-deploy-key) from the plan, which holds the public
 * key (never a secret), so the holder of the private key can use it again with the same access. But the
 * key comes back as a new object: a new id, a new creation time, no last-use history, and GitHub refuses it
 * ("key is already in use") if meanwhile it was added to another repository. The snapshot therefore
 * names the key by its material, not its id: {@code deployKey/<owner>/<repo>/<key id>} →
 * {@code present access=read|write title=… sha256=<fingerprint>} or {@code absent}, read by looking the
 * material up among the repository's keys. Calls through github-api ({@code GHRepository#getDeployKeys},
 * {@code GHDeployKey#delete}, {@code GHRepository#addDeployKey}). Stateless.
 */
final class DeployKeyRemoval implements PlannedAction {
    static final String NAME = "deploy_key";
    private static final Pattern ID = Pattern.compile("([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9._-]{1,100}):deploy_key:(\\d{1,20})");
    private static final String ABSENT = "absent";

    private record Ref(String owner, String repo, String id) {
    }

    private final String connectorId;
    private final GitHubOrg org;
    private final Clock clock;

    DeployKeyRemoval(String connectorId, GitHubOrg org, Clock clock) {
        this.connectorId = connectorId;
        this.org = org;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Ref ref = ActionTargets.identity(connectorId, request, id -> {
            Matcher m = ID.matcher(id);
            return m.matches() && m.group(1).equalsIgnoreCase(org.org) ? Optional.of(new Ref(m.group(1), m.group(2), m.group(3)))
                    : Optional.empty();
        }, "deploy keys of organization " + org.org + " named <org>/<repo>:deploy_key:<key id>");
        if (request.target().credential() != null && !request.target().credential().id().equals(ref.id())) {
            throw ActionTargets.refuse(connectorId, request, "the credential " + request.target().credential().id()
                    + " is not the deploy key " + ref.id() + " the identity names");
        }
        Optional<GHDeployKey> key = byId(ref);
        Map<String, String> details = new LinkedHashMap<>();
        details.put(RungDispatch.ACTION, NAME);
        details.put("owner", ref.owner());
        details.put("repo", ref.repo());
        details.put("keyId", ref.id());
        String described = "deploy key " + ref.id() + " of " + ref.owner() + "/" + ref.repo();
        if (key.isEmpty()) {
            Snapshot gone = SnapshotExecution.snapshot(clock, snapshotKey(ref), ABSENT);
            return new ActionPlan(connectorId, request, List.of(), Reversibility.COMPENSABLE, gone, gone,
                    described + " is not there: nothing to do", details);
        }
        GHDeployKey k = key.get();
        details.put("publicKey", k.getKey());
        details.put("title", k.getTitle() == null ? "" : k.getTitle());
        details.put("readOnly", Boolean.toString(k.isRead_only()));
        Snapshot pre = SnapshotExecution.snapshot(clock, snapshotKey(ref), present(k));
        Snapshot post = SnapshotExecution.snapshot(clock, snapshotKey(ref), ABSENT);
        String summary = "Remove " + (k.isRead_only() ? "read-only " : "read-write ") + described + " '"
                + details.get("title") + "'; revert re-adds the same public key as a new key (new id)";
        return new ActionPlan(connectorId, request, List.of(call("DELETE /repos/{owner}/{repo}/keys/{key_id}", ref)),
                Reversibility.COMPENSABLE, pre, post, summary, details);
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        Ref ref = ref(plan);
        String material = plan.details().get("publicKey");
        if (material == null) {
            return SnapshotExecution.snapshot(clock, snapshotKey(ref), byId(ref).map(DeployKeyRemoval::present).orElse(ABSENT));
        }
        for (GHDeployKey k : keys(ref)) {
            if (material.equals(k.getKey())) {
                return SnapshotExecution.snapshot(clock, snapshotKey(ref), present(k));
            }
        }
        return SnapshotExecution.snapshot(clock, snapshotKey(ref), ABSENT);
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        Ref ref = ref(plan);
        String material = PlanDetails.require(plan, "publicKey");
        // delete whichever key holds the material: an approver's re-add may have given it a new id
        for (GHDeployKey k : keys(ref)) {
            if (material.equals(k.getKey())) {
                delete(k);
            }
        }
        return List.of(call("DELETE /repos/{owner}/{repo}/keys/{key_id}", ref));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        Ref ref = ref(plan);
        List<PlatformCall> calls = new java.util.ArrayList<>();
        // a forced revert after someone re-added the key otherwise (another title or access): GitHub takes one key
        // material once, so that key goes first and the planned one comes back as it was
        String material = PlanDetails.require(plan, "publicKey");
        for (GHDeployKey k : keys(ref)) {
            if (material.equals(k.getKey())) {
                delete(k);
                calls.add(new PlatformCall("DELETE /repos/{owner}/{repo}/keys/{key_id}", ref.owner() + "/" + ref.repo() + "/"
                        + k.getId(), true));
            }
        }
        GHDeployKey created = org.library.call("POST /repos/{owner}/{repo}/keys", gh -> gh.getRepository(ref.owner() + "/" + ref.repo())
                .addDeployKey(PlanDetails.require(plan, "title"), material, Boolean.parseBoolean(PlanDetails.require(plan, "readOnly"))));
        String newId = created == null ? "?" : Long.toString(created.getId());
        calls.add(new PlatformCall("POST /repos/{owner}/{repo}/keys", ref.owner() + "/" + ref.repo() + " (re-added as key " + newId + ")",
                true));
        return calls;
    }

    /** The repository's deploy keys, every page (github-api follows the link header). */
    private List<GHDeployKey> keys(Ref ref) {
        try {
            return org.library.call("GET /repos/{owner}/{repo}/keys", gh -> gh.getRepository(ref.owner() + "/" + ref.repo()).getDeployKeys());
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                throw new ConnectorException(ErrorCode.NOT_FOUND, "repository " + ref.owner() + "/" + ref.repo() + " not found");
            }
            throw e;
        }
    }

    private Optional<GHDeployKey> byId(Ref ref) {
        try {
            return keys(ref).stream().filter(k -> Long.toString(k.getId()).equals(ref.id())).findFirst();
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void delete(GHDeployKey key) {
        org.library.call("DELETE /repos/{owner}/{repo}/keys/{key_id}", gh -> {
            key.delete();
            return null;
        });
    }

    /** The state of a present key: access, title and the SHA-256 of its public key (never the key's secret half: GitHub has none). */
    private static String present(GHDeployKey k) {
        return "present access=" + (k.isRead_only() ? "read" : "write") + " title=" + (k.getTitle() == null ? "" : k.getTitle())
                + " sha256=" + fingerprint(k.getKey());
    }

    private static String fingerprint(String publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.trim().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String snapshotKey(Ref ref) {
        return "deployKey/" + ref.owner() + "/" + ref.repo() + "/" + ref.id();
    }

    private static PlatformCall call(String operation, Ref ref) {
        return new PlatformCall(operation, ref.owner() + "/" + ref.repo() + "/" + ref.id(), true);
    }

    private static Ref ref(ActionPlan plan) {
        return new Ref(PlanDetails.require(plan, "owner"), PlanDetails.require(plan, "repo"), PlanDetails.require(plan, "keyId"));
    }
}
