package io.itdr.connector.okta.act;

import com.okta.sdk.resource.model.Application;
import com.okta.sdk.resource.model.OAuth2ClientJsonWebKey;
import com.okta.sdk.resource.model.OAuth2ClientSecret;
import com.okta.sdk.resource.model.UserGetSingleton;
import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotExecution;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reversible containment by an Okta lifecycle operation and its exact inverse: the object keeps its
 * id, secret, keys and assignments, and only its status changes.
 * <ul>
 *   <li>{@link Subject#SERVICE_APP} (disable_identity of a {@code service_app}):
 *       {@code POST /api/v1/apps/{appId}/lifecycle/deactivate} ↔ {@code /activate};</li>
 *   <li>{@link Subject#SERVICE_USER} (disable_identity of a {@code service_user}):
 *       {@code POST /api/v1/users/{userId}/lifecycle/suspend} ↔ {@code /unsuspend}; Okta suspends only
 *       ACTIVE users, so any other status is refused with CONFLICT at planning;</li>
 *   <li>{@link Subject#CLIENT_SECRET} (disable_credential of a {@code client_secret}):
 *       {@code POST /api/v1/apps/{appId}/credentials/secrets/{secretId}/lifecycle/deactivate} ↔ {@code /activate};</li>
 *   <li>{@link Subject#JWK} (disable_credential of a {@code jwk}):
 *       {@code POST /api/v1/apps/{appId}/credentials/jwks/{keyId}/lifecycle/deactivate} ↔ {@code /activate}.</li>
 * </ul>
 * The snapshot is the object's status under one key ({@code app/0oa1/status},
 * {@code user/00u1/status}, {@code app/0oa1/clientSecret/ocs1/status}, {@code app/0oa1/jwk/pks1/status}).
 * Stateless.
 */
final class LifecycleSwitch implements OktaAction {

    /** What is switched, with its released (normal) and contained statuses. */
    enum Subject {
        SERVICE_APP("ACTIVE", "INACTIVE"),
        SERVICE_USER("ACTIVE", "SUSPENDED"),
        CLIENT_SECRET("ACTIVE", "INACTIVE"),
        JWK("ACTIVE", "INACTIVE");

        final String released;
        final String contained;

        Subject(String released, String contained) {
            this.released = released;
            this.contained = contained;
        }
    }

    /** The object a plan acts on: the app or user, and for credentials the secret or key of that app. */
    private record Ref(String ownerId, String credentialId) {
    }

    /** The status read, and words for people. */
    private record Reading(String status, String description) {
    }

    private final String connectorId;
    private final Subject subject;
    private final OktaOrg org;
    private final Clock clock;

    LifecycleSwitch(String connectorId, Subject subject, OktaOrg org, Clock clock) {
        this.connectorId = connectorId;
        this.subject = subject;
        this.org = org;
        this.clock = clock;
    }

    @Override
    public String name() {
        return subject.name();
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Ref ref = switch (subject) {
            case SERVICE_APP, SERVICE_USER -> new Ref(request.target().identity().id(), null);
            case CLIENT_SECRET, JWK -> new Ref(request.target().identity().id(),
                    ActionTargets.credential(connectorId, request, "a credential id in the target").id());
        };
        Reading reading = read(ref);
        if (!reading.status().equals(subject.released) && !reading.status().equals(subject.contained)) {
            throw new ConnectorException(ErrorCode.CONFLICT, reading.description() + " is " + reading.status() + ": only an "
                    + subject.released + " one can be " + (subject == Subject.SERVICE_USER ? "suspended" : "deactivated"));
        }
        Snapshot pre = SnapshotExecution.snapshot(clock, key(ref), reading.status());
        Snapshot post = SnapshotExecution.snapshot(clock, key(ref), subject.contained);
        boolean noOp = pre.sameStateAs(post);
        String summary = noOp
                ? reading.description() + " is already " + subject.contained + ": nothing to do"
                : verb(true) + " " + reading.description() + "; " + verb(false).toLowerCase(Locale.ROOT) + " restores it";
        return new ActionPlan(connectorId, request, noOp ? List.of() : List.of(call(ref, true)), Reversibility.REVERSIBLE, pre, post,
                summary, details(ref));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        Ref ref = ref(plan);
        return SnapshotExecution.snapshot(clock, key(ref), read(ref).status());
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        return change(ref(plan), true);
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String wanted = SnapshotExecution.onlyValue(plan.preState());
        return change(ref(plan), wanted.equals(subject.contained));
    }

    private Reading read(Ref ref) {
        String id = ref.ownerId();
        String credentialId = ref.credentialId();
        return switch (subject) {
            case SERVICE_APP -> {
                Application app = org.app(id);
                yield new Reading(OktaAnswers.status(app.getStatus(), "app " + id),
                        "Okta app " + id + (app.getLabel() == null ? "" : " '" + app.getLabel() + "'"));
            }
            case SERVICE_USER -> {
                UserGetSingleton user = org.user(id);
                String login = user.getProfile() == null ? null : user.getProfile().getLogin();
                yield new Reading(OktaAnswers.status(user.getStatus(), "user " + id),
                        "Okta service user " + id + (login == null ? "" : " '" + login + "'"));
            }
            case CLIENT_SECRET -> {
                OAuth2ClientSecret secret = org.secret(id, credentialId);
                yield new Reading(OktaAnswers.status(secret.getStatus(), "client secret " + credentialId),
                        "client secret " + credentialId + " of Okta app " + id + " (created " + OktaAnswers.day(secret.getCreated()) + ")");
            }
            case JWK -> {
                OAuth2ClientJsonWebKey key = org.jwk(id, credentialId);
                yield new Reading(OktaAnswers.status(key.getStatus(), "JSON Web Key " + credentialId),
                        "JSON Web Key " + credentialId + (key.getKid() == null ? "" : " (kid " + key.getKid() + ")")
                                + " of Okta app " + id);
            }
        };
    }

    /** Makes the contained status ({@code contain}) or the released one; returns the call made. */
    private List<PlatformCall> change(Ref ref, boolean contain) {
        String id = ref.ownerId();
        String credentialId = ref.credentialId();
        switch (subject) {
            case SERVICE_APP -> {
                if (contain) {
                    org.deactivateApp(id);
                } else {
                    org.activateApp(id);
                }
            }
            case SERVICE_USER -> {
                if (contain) {
                    org.suspendUser(id);
                } else {
                    org.unsuspendUser(id);
                }
            }
            case CLIENT_SECRET -> {
                if (contain) {
                    org.deactivateSecret(id, credentialId);
                } else {
                    org.activateSecret(id, credentialId);
                }
            }
            case JWK -> {
                if (contain) {
                    org.deactivateJwk(id, credentialId);
                } else {
                    org.activateJwk(id, credentialId);
                }
            }
        }
        return List.of(call(ref, contain));
    }

    /** The call in the words of the Okta API reference, with the ids as its resource. */
    private PlatformCall call(Ref ref, boolean contain) {
        String operation = switch (subject) {
            case SERVICE_APP -> "POST /api/v1/apps/{appId}/lifecycle/" + (contain ? "deactivate" : "activate");
            case SERVICE_USER -> "POST /api/v1/users/{userId}/lifecycle/" + (contain ? "suspend" : "unsuspend");
            case CLIENT_SECRET -> "POST /api/v1/apps/{appId}/credentials/secrets/{secretId}/lifecycle/" + (contain ? "deactivate" : "activate");
            case JWK -> "POST /api/v1/apps/{appId}/credentials/jwks/{keyId}/lifecycle/" + (contain ? "deactivate" : "activate");
        };
        return new PlatformCall(operation, ref.credentialId() == null ? ref.ownerId() : ref.ownerId() + "/" + ref.credentialId(), true);
    }

    private String verb(boolean contain) {
        if (subject == Subject.SERVICE_USER) {
            return contain ? "Suspend" : "Unsuspend";
        }
        return contain ? "Deactivate" : "Activate";
    }

    private String key(Ref ref) {
        return switch (subject) {
            case SERVICE_APP -> "app/" + ref.ownerId() + "/status";
            case SERVICE_USER -> "user/" + ref.ownerId() + "/status";
            case CLIENT_SECRET -> "app/" + ref.ownerId() + "/clientSecret/" + ref.credentialId() + "/status";
            case JWK -> "app/" + ref.ownerId() + "/jwk/" + ref.credentialId() + "/status";
        };
    }

    private Map<String, String> details(Ref ref) {
        return switch (subject) {
            case SERVICE_APP -> Map.of(RungDispatch.ACTION, name(), "appId", ref.ownerId());
            case SERVICE_USER -> Map.of(RungDispatch.ACTION, name(), "userId", ref.ownerId());
            case CLIENT_SECRET -> Map.of(RungDispatch.ACTION, name(), "appId", ref.ownerId(), "secretId", ref.credentialId());
            case JWK -> Map.of(RungDispatch.ACTION, name(), "appId", ref.ownerId(), "keyId", ref.credentialId());
        };
    }

    private Ref ref(ActionPlan plan) {
        return switch (subject) {
            case SERVICE_APP -> new Ref(PlanDetails.require(plan, "appId"), null);
            case SERVICE_USER -> new Ref(PlanDetails.require(plan, "userId"), null);
            case CLIENT_SECRET -> new Ref(PlanDetails.require(plan, "appId"), PlanDetails.require(plan, "secretId"));
            case JWK -> new Ref(PlanDetails.require(plan, "appId"), PlanDetails.require(plan, "keyId"));
        };
    }
}
