package io.itdr.connector.azure.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.graph.models.Application;
import com.microsoft.graph.models.KeyCredential;
import com.microsoft.graph.models.ServicePrincipal;
import io.itdr.connector.azure.GraphSdk;
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
import io.itdr.spi.event.CredentialRef;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * disable_credential of a certificate (a key credential of the app registration): the application's
 * {@code keyCredentials} rewritten without it by {@code PATCH /v1.0/applications/{id}}
 * (https://learn.microsoft.com/en-us/graph/api/application-update), and on revert rewritten with it again, from the
 * public certificate kept in the plan. Not {@code removeKey}/{@code addKey}: both need a proof of possession, a JWT signed
 * with the private key of one of the application's existing certificates
 * (https://learn.microsoft.com/en-us/graph/api/application-removekey, https://learn.microsoft.com/en-us/graph/api/application-addkey),
 * which the connector does not hold; the addKey page itself says that the update operation "can continue to be used to add
 * and update key credentials for any application". The certificate's public part, {@code key}, is returned only to a
 * {@code $select} of {@code keyCredentials} on one application (https://learn.microsoft.com/en-us/graph/api/resources/keycredential),
 * and the update replaces the whole collection, so every write first reads the collection with its keys and sends the
 * others back unchanged.
 *
 * <p>COMPENSABLE: the same public certificate comes back under the same key id, so the workload's private key signs in
 * again; whether Entra keeps every property (the key id, the custom key identifier) as given was not checked against a
 * live tenant, so the class is not REVERSIBLE. When Graph returned no {@code key} for the certificate, the plan is
 * IRREVERSIBLE and says why. Tokens already issued stay valid until they expire. A certificate of the service principal
 * itself (SAML token signing) is refused. The state is the sorted key ids of the application's key credentials.
 */
final class KeyCredentialRemoval implements PlannedAction {
    static final String KIND = "certificate";
    /** The action's name in plans (disable_credential chooses it for certificates). */
    static final String NAME = "remove_certificate";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WITH_KEYS = {"id", "displayName", "keyCredentials"};
    private final String connectorId;
    private final GraphSdk graph;
    private final Clock clock;

    KeyCredentialRemoval(String connectorId, GraphSdk graph, Clock clock) {
        this.connectorId = connectorId;
        this.graph = graph;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        CredentialRef credential = ActionTargets.credential(connectorId, request, "the key id of a certificate in the target");
        String keyId = credential.id().toLowerCase(Locale.ROOT);
        String spId = request.target().identity().id();
        ServicePrincipal sp = graph.call("GET /v1.0/servicePrincipals/{id}", () -> graph.client().servicePrincipals()
                .byServicePrincipalId(spId).get(c -> c.queryParameters.select = new String[] {"id", "appId", "displayName", "keyCredentials"}));
        String appId = sp == null || sp.getAppId() == null || sp.getAppId().isBlank() ? null : sp.getAppId();
        Application registration = appId == null ? null : application(appId);
        if (registration == null || registration.getId() == null) {
            if (sp != null && keyIds(sp.getKeyCredentials()).contains(keyId)) {
                throw ActionTargets.refuse(connectorId, request, "certificate " + keyId + " belongs to the service principal itself (SAML token "
                        + "signing); only certificates of the app registration are removed");
            }
            throw new ConnectorException(ErrorCode.NOT_FOUND, "no certificate with key id " + keyId + " on service principal " + spId
                    + ", which has no application registration in this tenant");
        }
        String appObjectId = registration.getId();
        Application app = withKeys(appObjectId);
        List<KeyCredential> keys = app.getKeyCredentials() == null ? List.of() : app.getKeyCredentials();
        KeyCredential target = find(keys, keyId);
        if (target == null && sp != null && keyIds(sp.getKeyCredentials()).contains(keyId)) {
            throw ActionTargets.refuse(connectorId, request, "certificate " + keyId + " belongs to the service principal itself (SAML token "
                    + "signing); only certificates of the app registration are removed");
        }
        SortedSet<String> before = keyIds(keys);
        SortedSet<String> after = new TreeSet<>(before);
        after.remove(keyId);
        Snapshot pre = SnapshotExecution.snapshot(clock, key(appObjectId), state(before));
        Snapshot post = SnapshotExecution.snapshot(clock, key(appObjectId), state(after));
        List<PlatformCall> calls = pre.sameStateAs(post) ? List.of() : List.of(new PlatformCall("graph:PATCH application.keyCredentials", keyId, true));
        Map<String, String> details = new HashMap<>(Map.of("application", appObjectId, "keyId", keyId, RungDispatch.ACTION, NAME));
        boolean restorable = target == null || target.getKey() != null && target.getKey().length > 0;
        if (target != null && restorable) {
            details.put("certificate", describe(target).toString());
        }
        String owner = "application " + registration.getDisplayName();
        String summary;
        if (calls.isEmpty()) {
            summary = "Certificate " + keyId + " is not among the certificates of " + owner + ": nothing to remove";
        } else if (restorable) {
            summary = "Remove certificate " + keyId + (target.getDisplayName() == null ? "" : " (" + target.getDisplayName() + ")") + " of "
                    + owner + ": Entra refuses sign-ins with it; tokens already issued stay valid until they expire. Compensable: restoring "
                    + "adds the same public certificate again under its key id.";
        } else {
            summary = "Remove certificate " + keyId + " of " + owner + " (irreversible here: Graph did not return the certificate's public "
                    + "key, so it cannot be added back; its workload would need the certificate uploaded again)";
        }
        return new ActionPlan(connectorId, request, calls, restorable ? Reversibility.COMPENSABLE : Reversibility.IRREVERSIBLE, pre, post,
                summary, details);
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String app = PlanDetails.require(plan, "application");
        Application now = withKeys(app);
        return SnapshotExecution.snapshot(clock, key(app), state(keyIds(now.getKeyCredentials())));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String app = PlanDetails.require(plan, "application");
        String keyId = PlanDetails.require(plan, "keyId");
        List<KeyCredential> keys = current(app);
        if (find(keys, keyId) != null) {
            List<KeyCredential> kept = new ArrayList<>();
            for (KeyCredential k : keys) {
                if (!keyId.equalsIgnoreCase(String.valueOf(k.getKeyId()))) {
                    kept.add(copy(k, app));
                }
            }
            write(app, kept);
        }
        return List.of(new PlatformCall("graph:PATCH application.keyCredentials", keyId, true));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String app = PlanDetails.require(plan, "application");
        String keyId = PlanDetails.require(plan, "keyId");
        String certificate = plan.details().get("certificate");
        if (certificate == null) {
            throw ConnectorException.notSupported(connectorId, "reverting the removal of certificate " + keyId
                    + ": Graph did not return its public key when the plan was made, so it cannot be added back");
        }
        List<KeyCredential> keys = current(app);
        if (find(keys, keyId) == null) {
            List<KeyCredential> next = new ArrayList<>();
            for (KeyCredential k : keys) {
                next.add(copy(k, app));
            }
            next.add(parse(certificate));
            write(app, next);
        }
        return List.of(new PlatformCall("graph:PATCH application.keyCredentials", keyId, true));
    }

    private Application application(String appId) {
        try {
            return graph.call("GET /v1.0/applications(appId=...)", () -> graph.client().applicationsWithAppId(appId)
                    .get(c -> c.queryParameters.select = new String[] {"id", "displayName"}));
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    /** One application with its key credentials and their public keys ({@code key} comes only on a single object's $select). */
    private Application withKeys(String appObjectId) {
        Application app = graph.call("GET /v1.0/applications/{id}", () -> graph.client().applications().byApplicationId(appObjectId)
                .get(c -> c.queryParameters.select = WITH_KEYS));
        if (app == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /v1.0/applications/{id}: an empty answer");
        }
        return app;
    }

    private List<KeyCredential> current(String app) {
        List<KeyCredential> keys = withKeys(app).getKeyCredentials();
        return keys == null ? List.of() : keys;
    }

    private void write(String app, List<KeyCredential> keys) {
        Application change = new Application();
        change.setKeyCredentials(keys);
        graph.run("PATCH /v1.0/applications/{id}", () -> graph.client().applications().byApplicationId(app).patch(change));
    }

    /** A credential to send back as it is; refused when Graph sent no key for it (the update would lose the certificate). */
    private KeyCredential copy(KeyCredential k, String app) {
        if (k.getKey() == null || k.getKey().length == 0) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /v1.0/applications/" + app + "?$select=keyCredentials: no key for "
                    + "certificate " + k.getKeyId() + "; rewriting the collection without it would remove it too, so nothing was changed");
        }
        return parse(describe(k).toString());
    }

    private static ObjectNode describe(KeyCredential k) {
        ObjectNode n = JSON.createObjectNode();
        n.put("keyId", String.valueOf(k.getKeyId()));
        n.put("type", k.getType());
        n.put("usage", k.getUsage());
        n.put("displayName", k.getDisplayName());
        n.put("startDateTime", k.getStartDateTime() == null ? null : k.getStartDateTime().toString());
        n.put("endDateTime", k.getEndDateTime() == null ? null : k.getEndDateTime().toString());
        n.put("key", k.getKey() == null ? null : Base64.getEncoder().encodeToString(k.getKey()));
        n.put("customKeyIdentifier", k.getCustomKeyIdentifier() == null ? null : Base64.getEncoder().encodeToString(k.getCustomKeyIdentifier()));
        return n;
    }

    private static KeyCredential parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            KeyCredential k = new KeyCredential();
            k.setKeyId(UUID.fromString(n.get("keyId").asText()));
            k.setType(text(n, "type"));
            k.setUsage(text(n, "usage"));
            k.setDisplayName(text(n, "displayName"));
            k.setStartDateTime(text(n, "startDateTime") == null ? null : OffsetDateTime.parse(text(n, "startDateTime")));
            k.setEndDateTime(text(n, "endDateTime") == null ? null : OffsetDateTime.parse(text(n, "endDateTime")));
            k.setKey(Base64.getDecoder().decode(n.get("key").asText()));
            if (text(n, "customKeyIdentifier") != null) {
                k.setCustomKeyIdentifier(Base64.getDecoder().decode(text(n, "customKeyIdentifier")));
            }
            return k;
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            throw new ConnectorException(ErrorCode.INTERNAL, "a certificate plan whose certificate cannot be read: not made by this "
                    + "connector's plan()", e);
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static KeyCredential find(List<KeyCredential> keys, String keyId) {
        for (KeyCredential k : keys) {
            if (k.getKeyId() != null && k.getKeyId().toString().equalsIgnoreCase(keyId)) {
                return k;
            }
        }
        return null;
    }

    private static SortedSet<String> keyIds(List<KeyCredential> keys) {
        SortedSet<String> ids = new TreeSet<>();
        if (keys != null) {
            keys.stream().filter(k -> k.getKeyId() != null).forEach(k -> ids.add(k.getKeyId().toString()));
        }
        return ids;
    }

    private static String state(SortedSet<String> keyIds) {
        return keyIds.isEmpty() ? "(none)" : String.join(",", keyIds);
    }

    private static String key(String app) {
        return "application/" + app + "/keyCredentials";
    }
}
