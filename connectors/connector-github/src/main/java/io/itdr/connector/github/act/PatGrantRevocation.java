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
import io.itdr.spi.event.CredentialRef;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * quarantine_session of a fine-grained personal access token: its owner's login as the identity, its
 * {@code token_id} (as the audit log and the inventory name it) as the credential. The org revokes the
 * token's access to its resources: {@code POST /orgs/{org}/personal-access-tokens/{pat_id}} with
 * {@code {"action":"revoke"}}
 * (https://docs.github.com/en/rest/orgs/personal-access-tokens#update-the-access-a-fine-grained-personal-access-token-has-to-organization-resources),
 * a GitHub App call ("Personal access tokens" organization permission, write). <b>Irreversible</b>: the
 * org cannot grant the access back; the token's owner must request access again and an owner approve it
 * (https://docs.github.com/en/organizations/managing-programmatic-access-to-your-organization/managing-requests-for-personal-access-tokens-in-your-organization).
 * Snapshot: {@code patGrant/<owner>/token/<token_id>} → {@code granted <permissions>} or {@code revoked}. Stateless.
 */
final class PatGrantRevocation implements PlannedAction {
    static final String NAME = "fine_grained_pat";
    private static final String REVOKED = "revoked";

    private final String connectorId;
    private final GitHubOrg org;
    private final Clock clock;

    PatGrantRevocation(String connectorId, GitHubOrg org, Clock clock) {
        this.connectorId = connectorId;
        this.org = org;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        String owner = request.target().identity().id();
        if (!owner.matches("[A-Za-z0-9][A-Za-z0-9-]{0,38}")) {
            throw ActionTargets.refuse(connectorId, request, "it acts on fine-grained tokens named by their owner's login and token_id");
        }
        CredentialRef token = ActionTargets.credential(connectorId, request, "the token_id of a fine-grained personal access token");
        Optional<JsonNode> grant = grant(owner, token.id());
        Snapshot pre = SnapshotExecution.snapshot(clock, key(owner, token.id()), grant.map(PatGrantRevocation::granted).orElse(REVOKED));
        Snapshot post = SnapshotExecution.snapshot(clock, key(owner, token.id()), REVOKED);
        String described = "fine-grained token " + token.id() + " of " + owner;
        if (grant.isEmpty()) {
            return new ActionPlan(connectorId, request, List.of(), Reversibility.IRREVERSIBLE, pre, post,
                    described + " has no access to " + org.org + ": nothing to do",
                    Map.of(RungDispatch.ACTION, NAME, "owner", owner, "tokenId", token.id()));
        }
        String patId = grant.get().path("id").asText();
        return new ActionPlan(connectorId, request, List.of(call(patId)), Reversibility.IRREVERSIBLE, pre, post,
                "Revoke the access of " + described + " ('" + grant.get().path("token_name").asText("") + "') to " + org.org
                        + "; only a new request by its owner, approved, gives it back",
                Map.of(RungDispatch.ACTION, NAME, "owner", owner, "tokenId", token.id(), "patId", patId));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String owner = PlanDetails.require(plan, "owner");
        String tokenId = PlanDetails.require(plan, "tokenId");
        return SnapshotExecution.snapshot(clock, key(owner, tokenId), grant(owner, tokenId).map(PatGrantRevocation::granted).orElse(REVOKED));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String owner = PlanDetails.require(plan, "owner");
        String tokenId = PlanDetails.require(plan, "tokenId");
        // the grant as it is now: if the owner was granted again meanwhile, that grant is the one to revoke
        String patId = grant(owner, tokenId).map(g -> g.path("id").asText()).orElse(PlanDetails.require(plan, "patId"));
        org.change("POST", "/orgs/" + GitHubOrg.enc(org.org) + "/personal-access-tokens/" + GitHubOrg.enc(patId), "{\"action\":\"revoke\"}");
        return List.of(call(patId));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        throw new ConnectorException(ErrorCode.NOT_SUPPORTED, "a revoked fine-grained token's access cannot be given back by the org");
    }

    private Optional<JsonNode> grant(String owner, String tokenId) {
        for (int page = 1; page <= 20; page++) {
            JsonNode list = org.find("/orgs/" + GitHubOrg.enc(org.org) + "/personal-access-tokens?per_page=100&page=" + page
                    + "&owner%5B%5D=" + GitHubOrg.enc(owner)).orElseThrow(() -> new ConnectorException(ErrorCode.NOT_FOUND,
                    "organization " + org.org + " not found"));
            if (!list.isArray()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /orgs/{org}/personal-access-tokens: expected an array");
            }
            for (JsonNode g : list) {
                if (tokenId.equals(g.path("token_id").asText()) && owner.equalsIgnoreCase(g.path("owner").path("login").asText())) {
                    return Optional.of(g);
                }
            }
            if (list.size() < 100) {
                break;
            }
        }
        return Optional.empty();
    }

    private static String granted(JsonNode g) {
        return "granted " + g.path("permissions").toString();
    }

    private static String key(String owner, String tokenId) {
        return "patGrant/" + owner + "/token/" + tokenId;
    }

    private PlatformCall call(String patId) {
        return new PlatformCall("POST /orgs/{org}/personal-access-tokens/{pat_id} {\"action\":\"revoke\"}", org.org + "/" + patId, true);
    }
}
