package io.itdr.connector.okta.act;

import com.okta.sdk.resource.model.ApiToken;
import com.okta.sdk.resource.model.Application;
import com.okta.sdk.resource.model.UserGetSingleton;
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
import java.util.Map;

/**
 * quarantine_session on Okta: revocations, which Okta cannot undo (a revoked token is gone; the
 * client or person must obtain a new one). Declared IRREVERSIBLE, so the engine asks for approval
 * and {@link OktaActionExecutor#revert} refuses them.
 * <ul>
 *   <li>{@link Subject#APP_TOKENS} (a {@code service_app}): {@code DELETE /api/v1/apps/{appId}/tokens}
 *       revokes every refresh token of the app and the access tokens minted with them. State
 *       {@code app/0oa1/refreshTokens}: {@code present} or {@code none}, read with
 *       {@code GET /api/v1/apps/{appId}/tokens?limit=1}. Access tokens a client_credentials client
 *       got without a refresh token stay valid until they expire: disable_identity stops new ones.</li>
 *   <li>{@link Subject#USER_SESSIONS} (a {@code service_user}):
 *       {@code DELETE /api/v1/users/{userId}/sessions?oauthTokens=true} ends the user's sessions and
 *       revokes their OAuth tokens. Okta lists no user's sessions, so the state read is the OAuth
 *       tokens only ({@code user/00u1/oauthTokens}: {@code present} or {@code none}), the plan always
 *       makes the call, and execution calls again for each new idempotency key
 *       ({@link #observesWholeEffect()} is false).</li>
 *   <li>{@link Subject#API_TOKEN} (an {@code api_token} identity or credential):
 *       {@code DELETE /api/v1/api-tokens/{apiTokenId}}. State {@code apiToken/00T1/status}:
 *       {@code ACTIVE} while {@code GET /api/v1/api-tokens/{apiTokenId}} finds it, {@code REVOKED}
 *       once it answers 404. Planning a token Okta does not know fails with NOT_FOUND.</li>
 * </ul>
 * The values are deliberately coarse (present / none, not counts): an approval binds the plan's
 * digest, and a client minting one more token between approval and execution must not void it.
 * Stateless.
 */
final class Revocation implements OktaAction {
    static final String PRESENT = "present";
    static final String NONE = "none";
    static final String ACTIVE = "ACTIVE";
    static final String REVOKED = "REVOKED";

    /** What is revoked. */
    enum Subject {
        APP_TOKENS, USER_SESSIONS, API_TOKEN
    }

    private final String connectorId;
    private final Subject subject;
    private final OktaOrg org;
    private final Clock clock;

    Revocation(String connectorId, Subject subject, OktaOrg org, Clock clock) {
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
    public boolean observesWholeEffect() {
        return subject != Subject.USER_SESSIONS;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String id = subject == Subject.API_TOKEN && request.target().credential() != null
                ? request.target().credential().id()
                : request.target().identity().id();
        String summary;
        Snapshot pre;
        switch (subject) {
            case APP_TOKENS -> {
                Application app = org.app(id);
                String named = "Okta app " + id + (app.getLabel() == null ? "" : " '" + app.getLabel() + "'");
                boolean present = org.appHasRefreshTokens(id);
                pre = SnapshotExecution.snapshot(clock, key(id), present ? PRESENT : NONE);
                summary = present
                        ? "Revoke every OAuth refresh token of " + named
                                + " and the access tokens minted with them (irreversible: clients must authenticate again)"
                        : named + " holds no refresh token: nothing to revoke";
            }
            case USER_SESSIONS -> {
                UserGetSingleton user = org.user(id);
                String login = user.getProfile() == null ? null : user.getProfile().getLogin();
                pre = SnapshotExecution.snapshot(clock, key(id), org.userHasOAuthTokens(id) ? PRESENT : NONE);
                summary = "End every session of Okta service user " + id + (login == null ? "" : " '" + login + "'")
                        + " and revoke its OAuth tokens (irreversible: it must sign in again)";
            }
            default -> {
                ApiToken token = org.apiToken(id).orElseThrow(() -> new ConnectorException(ErrorCode.NOT_FOUND,
                        "Okta knows no active API token " + id));
                pre = SnapshotExecution.snapshot(clock, key(id), ACTIVE);
                summary = "Revoke Okta API token " + id + (token.getName() == null ? "" : " '" + token.getName() + "'")
                        + (token.getUserId() == null ? "" : " of user " + token.getUserId())
                        + " (irreversible: a new token must be created and distributed)";
            }
        }
        Snapshot post = SnapshotExecution.snapshot(clock, key(id), subject == Subject.API_TOKEN ? REVOKED : NONE);
        // Sessions are not observable: the call is always planned for them.
        boolean noOp = observesWholeEffect() && pre.sameStateAs(post);
        return new ActionPlan(connectorId, request, noOp ? List.of() : List.of(call(id)), Reversibility.IRREVERSIBLE, pre, post,
                summary, Map.of(RungDispatch.ACTION, name(), "id", id));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String id = PlanDetails.require(plan, "id");
        String state = switch (subject) {
            case APP_TOKENS -> org.appHasRefreshTokens(id) ? PRESENT : NONE;
            case USER_SESSIONS -> org.userHasOAuthTokens(id) ? PRESENT : NONE;
            case API_TOKEN -> org.apiToken(id).isPresent() ? ACTIVE : REVOKED;
        };
        return SnapshotExecution.snapshot(clock, key(id), state);
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String id = PlanDetails.require(plan, "id");
        switch (subject) {
            case APP_TOKENS -> org.revokeAppTokens(id);
            case USER_SESSIONS -> org.revokeUserSessions(id);
            case API_TOKEN -> org.revokeApiToken(id);
        }
        return List.of(call(id));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        throw ConnectorException.notSupported(connectorId, "reverting an irreversible " + plan.request().rung().policyName());
    }

    private PlatformCall call(String id) {
        return switch (subject) {
            case APP_TOKENS -> new PlatformCall("DELETE /api/v1/apps/{appId}/tokens", id, true);
            case USER_SESSIONS -> new PlatformCall("DELETE /api/v1/users/{userId}/sessions?oauthTokens=true", id, true);
            case API_TOKEN -> new PlatformCall("DELETE /api/v1/api-tokens/{apiTokenId}", id, true);
        };
    }

    private String key(String id) {
        return switch (subject) {
            case APP_TOKENS -> "app/" + id + "/refreshTokens";
            case USER_SESSIONS -> "user/" + id + "/oauthTokens";
            case API_TOKEN -> "apiToken/" + id + "/status";
        };
    }
}
