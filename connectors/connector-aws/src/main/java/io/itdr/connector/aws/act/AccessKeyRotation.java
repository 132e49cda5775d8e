package io.itdr.connector.aws.act;

import static io.itdr.connector.aws.AwsErrors.call;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.connector.aws.Arn;
import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import io.itdr.spi.event.CredentialRef;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;

/**
 * rotate_credential: a new access key for an IAM user, its secret stored in the AWS Secrets
 * Manager secret the request names, and the old key deactivated, never deleted. Compensable:
 * revert reactivates the old key, puts the secret's AWSCURRENT label back on the version it was on
 * (a secret that had no current version keeps the new one), and deactivates the new key, which
 * stays (itdr never deletes keys), unless the plan found it already active (a rotation carried out before).
 *
 * <p>Calls: ListAccessKeys, CreateAccessKey, UpdateAccessKey
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html and neighbours);
 * DescribeSecret, PutSecretValue, UpdateSecretVersionStage
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html and neighbours).
 *
 * <p>Planning refuses with CONFLICT when the request has no {@value #DESTINATION} parameter (the
 * catalog's secret_destination: a Secrets Manager secret ARN) or when the user already has two
 * keys: AWS allows two per user, active or not, and CreateAccessKey would fail. Unless the
 * rotation was already carried out: when the destination's AWSCURRENT version is the one itdr
 * writes for another key of the user, that key is the rotation's new key, and the plan only does
 * what is left (activate it, deactivate the old key), a no-op when nothing is: planning a rotation
 * again after it ran must not ask for a third key.
 *
 * <p>"The new key" is any key of the user that was not there when the plan was made (plan detail
 * {@code keysAtPlan}): compared by id, so clock skew between itdr and AWS does not matter. Its
 * secret is written as {@code {"AccessKeyId":…,"SecretAccessKey":…}} with PutSecretValue under a
 * ClientRequestToken derived from the key id ({@link #versionId}), so that writing it again is a
 * no-op in Secrets Manager, and delivery is verified with DescribeSecret (AWSCURRENT on that
 * version) without ever reading the secret back.
 *
 * <p>Execution never creates a second key. CreateAccessKey has no idempotency token: when it does
 * not answer in time the TIMEOUT is reported as is (the engine reconciles with verify). When a
 * new key already exists (an earlier attempt, under this or another idempotency key) it is adopted
 * if the destination holds its version; otherwise its secret is lost (with an answer that never
 * arrived, or after a failed PutSecretValue), so the key is deactivated and execution fails with
 * CONFLICT asking a person to delete it.
 *
 * <p>When anything fails after CreateAccessKey answered, the new key is deactivated before the failure
 * is reported: an active key whose secret may not have reached its destination is a leak waiting
 * to happen, an inactive one harms nobody, and the old key still works.
 *
 * <p>The secret value lives only between CreateAccessKey's answer and the PutSecretValue request:
 * it is never in a plan, snapshot, result, log line or exception message (the SDK's toString
 * redacts it too).
 */
final class AccessKeyRotation implements PlannedAction {
    static final String RUNG = "rotate_credential";
    /** The request parameter naming the Secrets Manager secret that receives the new key. */
    static final String DESTINATION = "secret-destination";
    /** AWS's quota of access keys per IAM user, inactive ones included. */
    static final int KEYS_PER_USER = 2;
    static final String ABSENT = "(absent)";
    /** Snapshot value of the secret's AWSCURRENT label when it is on the version holding the new key. */
    static final String NEW_KEY_VERSION = "(version holding the new access key)";
    private static final String CURRENT = "AWSCURRENT";
    private static final String ACTIVE = "Active";
    private static final String INACTIVE = "Inactive";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String connectorId;
    private final IamClient iam;
    private final SecretsManagerClients secrets;
    private final Clock clock;

    AccessKeyRotation(String connectorId, IamClient iam, SecretsManagerClients secrets, Clock clock) {
        this.connectorId = connectorId;
        this.iam = iam;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** What a rotation plan carries in its details. */
    private record Rotation(String userName, String oldKeyId, String destination, String region, Set<String> keysAtPlan) {
        static Rotation of(ActionPlan plan) {
            String destination = PlanDetails.require(plan, "secretDestination");
            String keys = PlanDetails.require(plan, "keysAtPlan");
            return new Rotation(PlanDetails.require(plan, "userName"), PlanDetails.require(plan, "accessKeyId"), destination,
                    Arn.parse(destination).map(Arn::region).orElseThrow(), keys.isEmpty() ? Set.of() : Set.of(keys.split(",")));
        }
    }

    /** The platform's state as one read sees it: the user's keys and the destination's labelled versions. */
    private record Observed(List<AccessKeyMetadata> keys, Map<String, List<String>> versions, AccessKeyMetadata newKey) {
        String status(String keyId) {
            return keys.stream().filter(k -> keyId.equals(k.accessKeyId())).map(AccessKeyMetadata::statusAsString)
                    .findFirst().orElse(ABSENT);
        }

        /** The version AWSCURRENT is on, or null when none is. */
        String current() {
            return AccessKeyRotation.current(versions);
        }

        boolean delivered() {
            return newKey != null && versions.containsKey(versionId(newKey.accessKeyId()));
        }
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        CredentialRef credential = ActionTargets.credential(connectorId, request, "an access key id in the target");
        String oldKeyId = credential.id();
        if (oldKeyId.startsWith("ASIA") || "session_key".equals(credential.kind())) {
            throw ConnectorException.notSupported(connectorId, RUNG + " for temporary session key " + oldKeyId
                    + ": it expires by itself; quarantine_session on its role or user revokes the session");
        }
        String userName = IamTargets.principal(connectorId, request, "user").resourceName();
        String destination = destination(request, oldKeyId, userName);
        List<AccessKeyMetadata> keys = keys(userName);
        if (keys.stream().noneMatch(k -> oldKeyId.equals(k.accessKeyId()))) {
            throw new ConnectorException(ErrorCode.NOT_FOUND, "access key " + oldKeyId + " is not a key of IAM user " + userName);
        }
        String region = Arn.parse(destination).orElseThrow().region();
        Map<String, List<String>> versions = versions(destination, region);
        String current = current(versions);
        AccessKeyMetadata stored = keys.stream()
                .filter(k -> !oldKeyId.equals(k.accessKeyId()) && versionId(k.accessKeyId()).equals(current))
                .findFirst().orElse(null);
        if (stored == null && keys.size() >= KEYS_PER_USER) {
            throw new ConnectorException(ErrorCode.CONFLICT, "will not rotate access key " + oldKeyId + " of IAM user " + userName
                    + ": AWS allows " + KEYS_PER_USER + " access keys per user, active or not, and it has "
                    + keys.stream().map(AccessKeyMetadata::accessKeyId).toList() + "; delete one first (itdr never deletes keys)");
        }
        Rotation rotation = new Rotation(userName, oldKeyId, destination, region, keys.stream().map(AccessKeyMetadata::accessKeyId)
                .filter(id -> stored == null || !id.equals(stored.accessKeyId())).collect(Collectors.toUnmodifiableSet()));
        Snapshot pre = snapshot(rotation, new Observed(keys, versions, stored));
        Snapshot post = new Snapshot(Map.of(oldKeyState(oldKeyId), INACTIVE, newKeyState(userName), ACTIVE,
                secretState(destination), NEW_KEY_VERSION), clock.instant());
        boolean oldActive = !INACTIVE.equals(pre.state().get(oldKeyState(oldKeyId)));
        List<PlatformCall> calls = new ArrayList<>();
        String summary;
        if (stored == null) {
            calls.add(new PlatformCall("iam:CreateAccessKey", userName, true));
            calls.add(new PlatformCall("secretsmanager:PutSecretValue", destination, true));
            summary = "Rotate access key " + oldKeyId + " of IAM user " + userName + ": create a new key, store it in Secrets Manager secret "
                    + destination + ", deactivate " + oldKeyId + " (kept, never deleted)";
        } else {
            List<String> left = new ArrayList<>();
            if (!ACTIVE.equals(stored.statusAsString())) {
                calls.add(update(stored.accessKeyId()));
                left.add("activate " + stored.accessKeyId());
            }
            if (oldActive) {
                left.add("deactivate " + oldKeyId);
            }
            summary = "Access key " + oldKeyId + " of IAM user " + userName + " was rotated before: its new key " + stored.accessKeyId()
                    + " is the current version of Secrets Manager secret " + destination + "; "
                    + (left.isEmpty() ? "nothing left to do" : String.join(", ", left));
        }
        if (oldActive) {
            calls.add(update(oldKeyId));
        }
        return new ActionPlan(connectorId, request, calls, Reversibility.COMPENSABLE, pre, post, summary,
                Map.of("userName", userName, "accessKeyId", oldKeyId, "secretDestination", destination,
                        "keysAtPlan", String.join(",", rotation.keysAtPlan().stream().sorted().toList())));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        Rotation rotation = Rotation.of(plan);
        return snapshot(rotation, observed(rotation));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        Rotation rotation = Rotation.of(plan);
        Observed now = observed(rotation);
        List<PlatformCall> performed = new ArrayList<>();
        if (now.newKey() == null) {
            if (now.keys().size() >= KEYS_PER_USER) {
                throw new ConnectorException(ErrorCode.CONFLICT, "will not rotate access key " + rotation.oldKeyId() + " of IAM user "
                        + rotation.userName() + ": it has " + KEYS_PER_USER + " keys since the plan was made, the most AWS allows");
            }
            performed.addAll(createAndStore(rotation));
        } else {
            String newKeyId = now.newKey().accessKeyId();
            if (!now.delivered()) {
                boolean deactivated = ACTIVE.equals(now.newKey().statusAsString());
                if (deactivated) {
                    setStatus(rotation.userName(), newKeyId, INACTIVE);
                }
                throw new ConnectorException(ErrorCode.CONFLICT, "access key " + newKeyId + " of IAM user " + rotation.userName()
                        + " was created by an earlier attempt of this rotation, but its secret never reached " + rotation.destination()
                        + " and is gone (itdr keeps no copy), so the key " + (deactivated ? "was deactivated" : "is inactive")
                        + "; delete it (itdr never deletes keys) and plan the rotation again");
            }
            if (!ACTIVE.equals(now.newKey().statusAsString())) {
                // deactivated after a PutSecretValue whose answer was lost but which did store the secret
                setStatus(rotation.userName(), newKeyId, ACTIVE);
                performed.add(update(newKeyId));
            }
        }
        String oldStatus = now.status(rotation.oldKeyId());
        if (!oldStatus.equals(INACTIVE) && !oldStatus.equals(ABSENT)) {
            setStatus(rotation.userName(), rotation.oldKeyId(), INACTIVE);
            performed.add(update(rotation.oldKeyId()));
        }
        return performed;
    }

    /** CreateAccessKey once, then PutSecretValue; the new key is deactivated when the secret cannot be stored. */
    private List<PlatformCall> createAndStore(Rotation rotation) {
        String userName = rotation.userName();
        AccessKey created = call("iam:CreateAccessKey", userName, () -> iam.createAccessKey(r -> r.userName(userName)).accessKey());
        String newKeyId = created == null ? null : created.accessKeyId();
        if (newKeyId == null) {
            // a key may exist now that this answer does not name: executing again finds it by its absence from keysAtPlan
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "iam:CreateAccessKey on " + userName + ": the answer names no access key");
        }
        try {
            if (created.secretAccessKey() == null || created.secretAccessKey().isEmpty()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "iam:CreateAccessKey on " + userName
                        + ": the answer for access key " + newKeyId + " carries no secret access key");
            }
            String value = JSON.createObjectNode().put("AccessKeyId", newKeyId).put("SecretAccessKey", created.secretAccessKey()).toString();
            call("secretsmanager:PutSecretValue", rotation.destination(), () -> secrets.forRegion(rotation.region())
                    .putSecretValue(r -> r.secretId(rotation.destination()).clientRequestToken(versionId(newKeyId)).secretString(value)));
        } catch (RuntimeException failure) {
            throw afterDeactivating(userName, newKeyId, rotation.destination(), failure);
        }
        return List.of(new PlatformCall("iam:CreateAccessKey", userName + "/" + newKeyId, true),
                new PlatformCall("secretsmanager:PutSecretValue", rotation.destination(), true));
    }

    /**
     * The failure to store the new key's secret, reported after the new key was deactivated. A cause
     * that is not a ConnectorException is named by class only: its message might quote the value.
     */
    private ConnectorException afterDeactivating(String userName, String newKeyId, String destination, RuntimeException failure) {
        ConnectorException cause = failure instanceof ConnectorException known ? known
                : new ConnectorException(ErrorCode.INTERNAL, "secretsmanager:PutSecretValue on " + destination + ": "
                        + failure.getClass().getName() + " while storing the new access key");
        String outcome;
        try {
            setStatus(userName, newKeyId, INACTIVE);
            outcome = "; new access key " + newKeyId + " of IAM user " + userName + " was deactivated, so no active key is left"
                    + " whose secret may not have reached the destination";
        } catch (ConnectorException deactivation) {
            cause.addSuppressed(deactivation);
            outcome = "; deactivating new access key " + newKeyId + " of IAM user " + userName + " failed too ("
                    + deactivation.code() + "): deactivate it by hand";
        }
        return new ConnectorException(cause.code(), cause.getMessage() + outcome, cause.retryAfter().orElse(null), cause);
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        Rotation rotation = Rotation.of(plan);
        Observed now = observed(rotation);
        Map<String, String> before = plan.preState().state();
        List<PlatformCall> performed = new ArrayList<>();
        // the old key first, so that whoever still holds it works again before anything else changes
        String oldBefore = before.get(oldKeyState(rotation.oldKeyId()));
        String oldNow = now.status(rotation.oldKeyId());
        boolean settable = ACTIVE.equals(oldBefore) || INACTIVE.equals(oldBefore); // UpdateAccessKey sets these two only
        if (settable && !oldNow.equals(ABSENT) && !oldBefore.equals(oldNow)) {
            setStatus(rotation.userName(), rotation.oldKeyId(), oldBefore);
            performed.add(update(rotation.oldKeyId()));
        }
        // then the secret: AWSCURRENT back on the version it was on, when that version still exists
        String versionBefore = before.get(secretState(rotation.destination()));
        String versionNow = now.current();
        if (versionBefore != null && now.versions().containsKey(versionBefore) && !versionBefore.equals(versionNow)) {
            call("secretsmanager:UpdateSecretVersionStage", rotation.destination(), () -> secrets.forRegion(rotation.region())
                    .updateSecretVersionStage(r -> r.secretId(rotation.destination()).versionStage(CURRENT)
                            .moveToVersionId(versionBefore).removeFromVersionId(versionNow)));
            performed.add(new PlatformCall("secretsmanager:UpdateSecretVersionStage", rotation.destination() + "/" + CURRENT, true));
        }
        // last the new key: back to its status at plan time when the plan found it (a rotation carried out
        // before), else deactivated: IAM cannot un-create it and itdr never deletes keys
        String newWanted = ACTIVE.equals(before.get(newKeyState(rotation.userName()))) ? ACTIVE : INACTIVE;
        if (now.newKey() != null && !newWanted.equals(now.newKey().statusAsString())) {
            setStatus(rotation.userName(), now.newKey().accessKeyId(), newWanted);
            performed.add(update(now.newKey().accessKeyId()));
        }
        return performed;
    }

    /** The Secrets Manager secret ARN of the request; CONFLICT when there is none or it is not one. */
    private static String destination(ActionRequest request, String keyId, String userName) {
        String destination = request.parameters().get(DESTINATION);
        if (destination == null || destination.isBlank()) {
            throw new ConnectorException(ErrorCode.CONFLICT, "rotation needs a secret destination: rotating access key " + keyId
                    + " of IAM user " + userName + " creates a new secret, and the request names no AWS Secrets Manager secret ARN"
                    + " to store it in (parameter '" + DESTINATION + "', the catalog's secret_destination for this identity)");
        }
        Arn arn = Arn.parse(destination.trim()).orElse(null);
        if (arn == null || !arn.service().equals("secretsmanager") || arn.region().isEmpty() || !arn.resource().startsWith("secret:")) {
            throw new ConnectorException(ErrorCode.CONFLICT, "rotation of access key " + keyId + ": parameter '" + DESTINATION + "' is '"
                    + destination + "', not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)");
        }
        return arn.toString();
    }

    private Observed observed(Rotation rotation) {
        List<AccessKeyMetadata> keys = keys(rotation.userName());
        Map<String, List<String>> versions = versions(rotation.destination(), rotation.region());
        // several unknown keys only when someone else created one too: prefer the one whose secret was stored, then the newest
        AccessKeyMetadata newKey = keys.stream().filter(k -> !rotation.keysAtPlan().contains(k.accessKeyId()))
                .max(Comparator.comparing((AccessKeyMetadata k) -> versions.containsKey(versionId(k.accessKeyId())))
                        .thenComparing(AccessKeyMetadata::createDate, Comparator.nullsFirst(Comparator.naturalOrder())))
                .orElse(null);
        return new Observed(keys, versions, newKey);
    }

    private Snapshot snapshot(Rotation rotation, Observed observed) {
        String current = observed.current();
        String secret = current == null ? ABSENT
                : observed.newKey() != null && current.equals(versionId(observed.newKey().accessKeyId())) ? NEW_KEY_VERSION : current;
        return new Snapshot(Map.of(oldKeyState(rotation.oldKeyId()), observed.status(rotation.oldKeyId()),
                newKeyState(rotation.userName()), observed.newKey() == null ? ABSENT : observed.newKey().statusAsString(),
                secretState(rotation.destination()), secret), clock.instant());
    }

    private List<AccessKeyMetadata> keys(String userName) {
        return call("iam:ListAccessKeys", userName, () -> {
            List<AccessKeyMetadata> keys = new ArrayList<>();
            iam.listAccessKeysPaginator(r -> r.userName(userName)).accessKeyMetadata().forEach(keys::add);
            return keys;
        });
    }

    /** DescribeSecret's VersionIdsToStages: each version that carries a staging label, with its labels. */
    private Map<String, List<String>> versions(String destination, String region) {
        return call("secretsmanager:DescribeSecret", destination,
                () -> secrets.forRegion(region).describeSecret(r -> r.secretId(destination)).versionIdsToStages());
    }

    /** The version AWSCURRENT is on, or null when none is. */
    private static String current(Map<String, List<String>> versions) {
        return versions.entrySet().stream().filter(e -> e.getValue().contains(CURRENT)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }

    private void setStatus(String userName, String keyId, String status) {
        call("iam:UpdateAccessKey", keyId, () -> iam.updateAccessKey(r -> r.userName(userName).accessKeyId(keyId).status(status)));
    }

    /** The secret version (ClientRequestToken) that holds {@code keyId}: the same for every attempt with that key. */
    static String versionId(String keyId) {
        return UUID.nameUUIDFromBytes(("itdr:" + RUNG + ":" + keyId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static PlatformCall update(String keyId) {
        return new PlatformCall("iam:UpdateAccessKey", keyId, true);
    }

    static String oldKeyState(String keyId) {
        return "accessKey/" + keyId + "/status";
    }

    static String newKeyState(String userName) {
        return "user/" + userName + "/newAccessKey/status";
    }

    static String secretState(String destination) {
        return "secret/" + destination + "/" + CURRENT;
    }
}
