package io.itdr.connector.github.act;

import com.fasterxml.jackson.databind.JsonNode;
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
 * material up among the repository's keys. Stateless.
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
        Optional<JsonNode> key = org.find(keyPath(ref));
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
        JsonNode k = key.get();
        details.put("publicKey", k.path("key").asText());
        details.put("title", k.path("title").asText(""));
        details.put("readOnly", Boolean.toString(k.path("read_only").asBoolean(true)));
        Snapshot pre = SnapshotExecution.snapshot(clock, snapshotKey(ref), present(k));
        Snapshot post = SnapshotExecution.snapshot(clock, snapshotKey(ref), ABSENT);
        String summary = "Remove " + (k.path("read_only").asBoolean(true) ? "read-only " : "read-write ") + described + " '"
                + k.path("title").asText("") + "'; revert re-adds the same public key as a new key (new id)";
        return new ActionPlan(connectorId, request, List.of(call("DELETE /repos/{owner}/{repo}/keys/{key_id}", ref)),
                Reversibility.COMPENSABLE, pre, post, summary, details);
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        Ref ref = ref(plan);
        String material = plan.details().get("publicKey");
        if (material == null) {
            return SnapshotExecution.snapshot(clock, snapshotKey(ref), org.find(keyPath(ref)).map(DeployKeyRemoval::present).orElse(ABSENT));
        }
        for (JsonNode k : keys(ref)) {
            if (material.equals(k.path("key").asText())) {
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
        for (JsonNode k : keys(ref)) {
            if (material.equals(k.path("key").asText())) {
                org.change("DELETE", "/repos/" + GitHubOrg.enc(ref.owner()) + "/" + GitHubOrg.enc(ref.repo()) + "/keys/"
                        + k.path("id").asText(), null);
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
        for (JsonNode k : keys(ref)) {
            if (material.equals(k.path("key").asText())) {
                org.change("DELETE", "/repos/" + GitHubOrg.enc(ref.owner()) + "/" + GitHubOrg.enc(ref.repo()) + "/keys/"
                        + k.path("id").asText(), null);
                calls.add(new PlatformCall("DELETE /repos/{owner}/{repo}/keys/{key_id}", ref.owner() + "/" + ref.repo() + "/"
                        + k.path("id").asText(), true));
            }
        }
        String body = "{\"title\":" + GitHubOrg.json(PlanDetails.require(plan, "title")) + ",\"key\":"
                + GitHubOrg.json(PlanDetails.require(plan, "publicKey")) + ",\"read_only\":" + Boolean.parseBoolean(PlanDetails.require(plan,
                "readOnly")) + "}";
        JsonNode created = org.change("POST", "/repos/" + GitHubOrg.enc(ref.owner()) + "/" + GitHubOrg.enc(ref.repo()) + "/keys", body);
        String newId = created == null ? "?" : created.path("id").asText("?");
        calls.add(new PlatformCall("POST /repos/{owner}/{repo}/keys", ref.owner() + "/" + ref.repo() + " (re-added as key " + newId + ")",
                true));
        return calls;
    }

    private List<JsonNode> keys(Ref ref) {
        List<JsonNode> keys = new java.util.ArrayList<>();
        for (int page = 1; page <= 10; page++) {
            JsonNode list = org.find("/repos/" + GitHubOrg.enc(ref.owner()) + "/" + GitHubOrg.enc(ref.repo()) + "/keys?per_page=100&page=" + page)
                    .orElseThrow(() -> new ConnectorException(ErrorCode.NOT_FOUND, "repository " + ref.owner() + "/" + ref.repo() + " not found"));
            if (!list.isArray()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /repos/{owner}/{repo}/keys: expected an array");
            }
            list.forEach(keys::add);
            if (list.size() < 100) {
                break;
            }
        }
        return keys;
    }

    /** The state of a present key: access, title and the SHA-256 of its public key (never the key's secret half: GitHub has none). */
    private static String present(JsonNode k) {
        return "present access=" + (k.path("read_only").asBoolean(true) ? "read" : "write") + " title=" + k.path("title").asText("")
                + " sha256=" + fingerprint(k.path("key").asText());
    }

    private static String fingerprint(String publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.trim().getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static String keyPath(Ref ref) {
        return "/repos/" + GitHubOrg.enc(ref.owner()) + "/" + GitHubOrg.enc(ref.repo()) + "/keys/" + ref.id();
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
