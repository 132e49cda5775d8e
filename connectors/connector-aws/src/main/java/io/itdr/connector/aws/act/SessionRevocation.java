package io.itdr.connector.aws.act;

import static io.itdr.connector.aws.AwsErrors.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.itdr.connector.aws.Arn;
import io.itdr.connector.aws.AwsErrors;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.PlatformCall;
import io.itdr.spi.action.Reversibility;
import io.itdr.spi.action.Snapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * quarantine_session: the inline role policy {@code AWSRevokeOlderSessions} that denies everything
 * to sessions issued before the plan's time (condition {@code DateLessThan aws:TokenIssueTime}),
 * as the IAM console's "Revoke active sessions" does
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html;
 * PutRolePolicy: https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html).
 * Revert deletes the policy (DeleteRolePolicy) or puts back the one it replaced. Compensable:
 * sessions revoked meanwhile stay dead; the workload must take new credentials, which it can.
 *
 * <p>The cut-off time is fixed when planning, so execution does exactly what was approved;
 * sessions issued between plan and execution survive.
 */
final class RoleSessionRevocation implements IamAction {
    static final String RUNG = "quarantine_session";
    static final String POLICY_NAME = "AWSRevokeOlderSessions";
    static final String ABSENT = "(absent)";
    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);

    private final String connectorId;
    private final IamClient iam;
    private final Clock clock;

    RoleSessionRevocation(String connectorId, IamClient iam, Clock clock) {
        this.connectorId = connectorId;
        this.iam = iam;
        this.clock = clock;
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Arn role = IamTargets.principal(connectorId, request.target(), RUNG, "role");
        String roleName = role.resourceName();
        call("iam:GetRole", roleName, () -> iam.getRole(r -> r.roleName(roleName)));
        String current = currentPolicy(roleName);
        Instant cutoff = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        String document = revokeDocument(cutoff);
        Snapshot pre = IamTargets.snapshot(clock, key(roleName), current);
        Snapshot post = IamTargets.snapshot(clock, key(roleName), document);
        List<PlatformCall> calls = pre.sameStateAs(post) ? List.of() : List.of(put(roleName));
        return new ActionPlan(connectorId, request, calls, Reversibility.COMPENSABLE, pre, post,
                "Revoke sessions of IAM role " + roleName + " issued before " + cutoff + " (inline policy " + POLICY_NAME + ")",
                Map.of("roleName", roleName, "policyName", POLICY_NAME, "policyDocument", document,
                        "tokenIssueTimeCutoff", cutoff.toString()));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        String roleName = IamTargets.detail(plan, "roleName");
        return IamTargets.snapshot(clock, key(roleName), currentPolicy(roleName));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        String roleName = IamTargets.detail(plan, "roleName");
        String document = IamTargets.detail(plan, "policyDocument");
        call("iam:PutRolePolicy", roleName,
                () -> iam.putRolePolicy(r -> r.roleName(roleName).policyName(POLICY_NAME).policyDocument(document)));
        return List.of(put(roleName));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        String roleName = IamTargets.detail(plan, "roleName");
        String before = IamTargets.only(plan.preState());
        if (before.equals(ABSENT)) {
            call("iam:DeleteRolePolicy", roleName, () -> iam.deleteRolePolicy(r -> r.roleName(roleName).policyName(POLICY_NAME)));
            return List.of(new PlatformCall("iam:DeleteRolePolicy", roleName + "/" + POLICY_NAME, true));
        }
        call("iam:PutRolePolicy", roleName, () -> iam.putRolePolicy(r -> r.roleName(roleName).policyName(POLICY_NAME).policyDocument(before)));
        return List.of(put(roleName));
    }

    /** The role's current AWSRevokeOlderSessions document, canonical, or {@link #ABSENT}. */
    private String currentPolicy(String roleName) {
        try {
            String encoded = iam.getRolePolicy(r -> r.roleName(roleName).policyName(POLICY_NAME)).policyDocument();
            return canonical(percentDecode(encoded));
        } catch (NoSuchEntityException absent) {
            return ABSENT;
        } catch (SdkException e) {
            throw AwsErrors.translate("iam:GetRolePolicy", roleName, e);
        }
    }

    static String revokeDocument(Instant cutoff) {
        return canonical("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"*\"],\"Resource\":[\"*\"],"
                + "\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"" + cutoff + "\"}}}]}");
    }

    /** Compact JSON with sorted keys, so a document reads back equal however IAM spaced it. */
    static String canonical(String document) {
        try {
            JsonNode tree = JSON.readTree(document);
            return tree == null ? document : JSON.writeValueAsString(tree);
        } catch (IOException notJson) {
            return document; // compared as text
        }
    }

    /**
     * IAM returns policy documents URL-encoded (RFC 3986). Only %XX sequences are decoded: a
     * literal '+' is a plus, not a space as form decoding would have it.
     */
    static String percentDecode(String text) {
        if (text == null || text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
                out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
                i += 2;
            } else {
                out.write(bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(byte b) {
        return Character.digit((char) b, 16);
    }

    private static PlatformCall put(String roleName) {
        return new PlatformCall("iam:PutRolePolicy", roleName + "/" + POLICY_NAME, true);
    }

    private static String key(String roleName) {
        return "role/" + roleName + "/inlinePolicy/" + POLICY_NAME;
    }
}
