package io.itdr.connector.okta.act;

import com.okta.sdk.resource.client.ApiClient;
import io.itdr.connector.okta.OktaErrors;
import io.itdr.connector.support.ActionTargets;
import io.itdr.connector.support.RungDispatch;
import io.itdr.connector.support.SnapshotActionExecutor;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Rung;
import java.time.Clock;
import java.util.Objects;

/**
 * Containment on Okta with the Management SDK's typed APIs. The action is chosen by rung and by
 * the kind of the target's identity or credential:
 * <table>
 *   <caption>rungs and actions</caption>
 *   <tr><th>rung</th><th>target</th><th>action</th><th>class</th></tr>
 *   <tr><td>disable_identity</td><td>identity kind {@code service_app}</td><td>app deactivate ↔ activate</td><td>reversible</td></tr>
 *   <tr><td>disable_identity</td><td>identity kind {@code service_user}</td><td>user suspend ↔ unsuspend</td><td>reversible</td></tr>
 *   <tr><td>disable_credential</td><td>credential kind {@code client_secret} of an app</td><td>secret deactivate ↔ activate</td><td>reversible</td></tr>
 *   <tr><td>disable_credential</td><td>credential kind {@code jwk} of an app</td><td>JWK deactivate ↔ activate</td><td>reversible</td></tr>
 *   <tr><td>quarantine_session</td><td>credential or identity kind {@code api_token}</td><td>API token revocation</td><td>irreversible</td></tr>
 *   <tr><td>quarantine_session</td><td>identity kind {@code service_app}</td><td>the app's refresh tokens revoked</td><td>irreversible</td></tr>
 *   <tr><td>quarantine_session</td><td>identity kind {@code service_user}</td><td>the user's sessions and OAuth tokens revoked</td><td>irreversible</td></tr>
 * </table>
 * The identity of a credential target is the app ({@code 0oa…}) holding the secret or key. Any
 * other rung, and any other kind, is refused with the standard NOT_SUPPORTED error naming what is
 * accepted. See {@link LifecycleSwitch} and {@link Revocation} for the calls and snapshots.
 *
 * <p>Execution reads the state first and makes no call when it is already the plan's post-state
 * (except where Okta cannot show the whole effect: a user's sessions); a second execution under one
 * idempotency key never calls the platform again. Revert refuses irreversible plans with
 * NOT_SUPPORTED, and refuses with DRIFT when the state is no longer the post-state unless forced.
 * Every SDK failure becomes a {@link ConnectorException} through {@link OktaErrors}.
 *
 * <p>Rung dispatch, plan ownership (every plan names its action in the
 * {@value RungDispatch#ACTION} detail) and the execute / verify / revert lifecycle are
 * connector-support's ({@link SnapshotActionExecutor}); this class only chooses the action for a
 * target. Thread-safe: the actions are stateless; the record of applied idempotency keys is
 * synchronized and bounded (the engine reconciles older ones with {@link #verify}).
 */
public final class OktaActionExecutor extends SnapshotActionExecutor {
    /** Identity kinds this executor acts on. */
    public static final String SERVICE_APP = "service_app";
    public static final String SERVICE_USER = "service_user";
    public static final String API_TOKEN = "api_token";
    /** Credential kinds of an app this executor deactivates. */
    public static final String CLIENT_SECRET = "client_secret";
    public static final String JWK = "jwk";

    /**
     * @param connectorId the id plans are made under ("okta"); never null
     * @param client      an Okta API client built with the SDK's cache disabled and SDK retries off
     *                    (the host retries); never null; shared, not closed here
     * @param errors      the translation of SDK failures; never null
     * @param clock       the time of snapshots; never null
     */
    public OktaActionExecutor(String connectorId, ApiClient client, OktaErrors errors, Clock clock) {
        super(dispatch(Objects.requireNonNull(connectorId, "connectorId"),
                new OktaOrg(Objects.requireNonNull(client, "client"), Objects.requireNonNull(errors, "errors")),
                Objects.requireNonNull(clock, "clock")));
    }

    private static RungDispatch<OktaAction> dispatch(String connectorId, OktaOrg org, Clock clock) {
        RungDispatch.Builder<OktaAction> dispatch = RungDispatch.<OktaAction>builder(connectorId)
                .choose(Rung.QUARANTINE_SESSION, Reversibility.IRREVERSIBLE, request -> chooseFor(connectorId, request))
                .choose(Rung.DISABLE_CREDENTIAL, Reversibility.REVERSIBLE, request -> chooseFor(connectorId, request))
                .choose(Rung.DISABLE_IDENTITY, Reversibility.REVERSIBLE, request -> chooseFor(connectorId, request));
        for (LifecycleSwitch.Subject subject : LifecycleSwitch.Subject.values()) {
            OktaAction action = new LifecycleSwitch(connectorId, subject, org, clock);
            dispatch.action(action.name(), action);
        }
        for (Revocation.Subject subject : Revocation.Subject.values()) {
            OktaAction action = new Revocation(connectorId, subject, org, clock);
            dispatch.action(action.name(), action);
        }
        return dispatch.build();
    }

    /** The name of the action for a request, or the standard refusal saying what is accepted. */
    private static String chooseFor(String connectorId, ActionRequest request) {
        ActionTarget target = request.target();
        String identityKind = target.identity().kind();
        String credentialKind = target.credential() == null ? null : target.credential().kind();
        String rung = request.rung().policyName();
        switch (request.rung()) {
            case DISABLE_IDENTITY -> {
                if (SERVICE_APP.equals(identityKind)) {
                    return LifecycleSwitch.Subject.SERVICE_APP.name();
                }
                if (SERVICE_USER.equals(identityKind)) {
                    return LifecycleSwitch.Subject.SERVICE_USER.name();
                }
                if (API_TOKEN.equals(identityKind)) {
                    throw ActionTargets.refuse(connectorId, request,
                            "Okta API tokens cannot be disabled, only revoked (quarantine_session, irreversible)");
                }
                throw ActionTargets.refuse(connectorId, request, "it acts on identities of kind " + SERVICE_APP + " or " + SERVICE_USER);
            }
            case DISABLE_CREDENTIAL -> {
                ActionTargets.credential(connectorId, request, "a credential in the target");
                if (CLIENT_SECRET.equals(credentialKind)) {
                    return LifecycleSwitch.Subject.CLIENT_SECRET.name();
                }
                if (JWK.equals(credentialKind)) {
                    return LifecycleSwitch.Subject.JWK.name();
                }
                if (API_TOKEN.equals(credentialKind)) {
                    throw ConnectorException.notSupported(connectorId, rung + " for API token " + target.credential().id()
                            + ": Okta API tokens cannot be deactivated, only revoked (quarantine_session, irreversible)");
                }
                throw ConnectorException.notSupported(connectorId, rung + " for credential " + target.credential().id()
                        + " of kind " + credentialKind + ": it acts on credentials of kind " + CLIENT_SECRET + " or " + JWK
                        + " of an app");
            }
            case QUARANTINE_SESSION -> {
                if (API_TOKEN.equals(credentialKind) || API_TOKEN.equals(identityKind)) {
                    return Revocation.Subject.API_TOKEN.name();
                }
                if (SERVICE_APP.equals(identityKind)) {
                    return Revocation.Subject.APP_TOKENS.name();
                }
                if (SERVICE_USER.equals(identityKind)) {
                    return Revocation.Subject.USER_SESSIONS.name();
                }
                throw ActionTargets.refuse(connectorId, request,
                        "it acts on identities of kind " + SERVICE_APP + ", " + SERVICE_USER + " or " + API_TOKEN);
            }
            default -> throw ConnectorException.notSupported(connectorId, "rung " + rung);
        }
    }
}
