package io.itdr.connector.aws.act;

import static io.itdr.connector.aws.AwsErrors.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.itdr.connector.aws.Arn;
import io.itdr.connector.aws.AwsErrors;
import io.itdr.connector.support.PlanDetails;
import io.itdr.connector.support.PlannedAction;
import io.itdr.connector.support.SnapshotExecution;
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
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * quarantine_session: an inline policy {@code AWSRevokeOlderSessions} on an IAM role or user that
 * denies everything to temporary credentials issued before the time of execution (condition
 * {@code DateLessThan aws:TokenIssueTime}). The document is the same for both.
 * <ul>
 *   <li>Role: what the IAM console's "Revoke active sessions" puts, ending every session assumed
 *       before now (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html;
 *       PutRolePolicy: https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html,
 *       GetRolePolicy, DeleteRolePolicy).</li>
 *   <li>User: the same deny as an inline user policy ends the temporary credentials (ASIA… keys)
 *       the user obtained before now with GetSessionToken or GetFederationToken, because their
 *       permissions are those of the user and are evaluated at every request
 *       (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html;
 *       PutUserPolicy: https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html,
 *       GetUserPolicy: API_GetUserPolicy.html, DeleteUserPolicy: API_DeleteUserPolicy.html).
 *       It does NOT stop the user's long-lived access keys (AKIA…): requests signed with them carry
 *       no aws:TokenIssueTime, so the condition never matches; disable_credential deactivates
 *       those.</li>
 * </ul>
 * Revert deletes the policy or puts back the one it replaced. Compensable: credentials revoked
 * meanwhile stay dead; the workload must take new ones, which it can.
 *
 * <p>The cut-off time is fixed at execution, not when planning: a plan is a pure function of the
 * request and the platform's state, so re-planning an unchanged principal before execution (what
 * the engine does when a held plan is approved) gives the same plan and digest however much time
 * passed. The plan's post-state is the document with the placeholder {@value #AT_EXECUTION} as its
 * cut-off; execution puts the document with the time it runs, truncated to seconds. Reading back
 * (verify, revert's drift check), our own document whose cut-off is no earlier than the plan's
 * time (its pre-state's capture time) reads as that post-state: it revokes at least what was
 * planned. A cut-off moved back before that reads as itself, which is drift. Credentials issued
 * between execution and the read-back survive. Role plans keep the details they always had
 * ({@code roleName}); user plans carry {@code userName} instead.
 */
final class SessionRevocation implements PlannedAction {
    static final String POLICY_NAME = "AWSRevokeOlderSessions";
    static final String ABSENT = "(absent)";
    /** The cut-off in a plan's post-state: the time execution puts the policy. */
    static final String AT_EXECUTION = "(time of execution)";
    private static final Pattern CUTOFF = Pattern.compile("\"aws:TokenIssueTime\":\"([^\"]*)\"");
    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true);

    private final String connectorId;
    private final IamClient iam;
    private final Clock clock;

    SessionRevocation(String connectorId, IamClient iam, Clock clock) {
        this.connectorId = connectorId;
        this.iam = iam;
        this.clock = clock;
    }

    /** The user or role the inline policy goes on; {@code type} is "user" or "role". */
    private record Principal(String type, String name) {
        static Principal of(ActionPlan plan) {
            String userName = plan.details().get("userName");
            return userName != null ? new Principal("user", userName) : new Principal("role", PlanDetails.require(plan, "roleName"));
        }

        boolean isUser() {
            return type.equals("user");
        }

        String nameDetail() {
            return isUser() ? "userName" : "roleName";
        }

        /** "iam:PutUserPolicy", "iam:DeleteRolePolicy", ... */
        String operation(String verb) {
            return "iam:" + verb + (isUser() ? "User" : "Role") + "Policy";
        }

        PlatformCall call(String verb) {
            return new PlatformCall(operation(verb), name + "/" + POLICY_NAME, true);
        }

        String key() {
            return type + "/" + name + "/inlinePolicy/" + POLICY_NAME;
        }
    }

    @Override
    public ActionPlan plan(ActionRequest request) {
        Arn arn = IamTargets.principal(connectorId, request, "role", "user");
        Principal principal = new Principal(arn.resourceType(), arn.resourceName());
        String name = principal.name();
        if (principal.isUser()) {
            call("iam:GetUser", name, () -> iam.getUser(r -> r.userName(name)));
        } else {
            call("iam:GetRole", name, () -> iam.getRole(r -> r.roleName(name)));
        }
        Instant now = clock.instant();
        String current = asPlanned(currentPolicy(principal), now);
        String document = revokeDocument(AT_EXECUTION);
        Snapshot pre = new Snapshot(Map.of(principal.key(), current), now);
        Snapshot post = new Snapshot(Map.of(principal.key(), document), now);
        List<PlatformCall> calls = pre.sameStateAs(post) ? List.of() : List.of(principal.call("Put"));
        String summary = principal.isUser()
                ? "Revoke temporary credentials of IAM user " + name + " issued before the time of execution (inline policy " + POLICY_NAME
                        + "; its long-lived access keys stay active)"
                : "Revoke sessions of IAM role " + name + " issued before the time of execution (inline policy " + POLICY_NAME + ")";
        return new ActionPlan(connectorId, request, calls, Reversibility.COMPENSABLE, pre, post, summary,
                Map.of(principal.nameDetail(), name, "policyName", POLICY_NAME, "policyDocument", document,
                        "tokenIssueTimeCutoff", AT_EXECUTION));
    }

    @Override
    public Snapshot observe(ActionPlan plan) {
        Principal principal = Principal.of(plan);
        return SnapshotExecution.snapshot(clock, principal.key(), asPlanned(currentPolicy(principal), plan.preState().capturedAt()));
    }

    @Override
    public List<PlatformCall> apply(ActionPlan plan) {
        Principal principal = Principal.of(plan);
        // The one time-dependent value, fixed here rather than in the plan (see the class comment).
        return List.of(put(principal, revokeDocument(clock.instant().truncatedTo(ChronoUnit.SECONDS))));
    }

    @Override
    public List<PlatformCall> restore(ActionPlan plan) {
        Principal principal = Principal.of(plan);
        String before = SnapshotExecution.onlyValue(plan.preState());
        if (before.equals(revokeDocument(AT_EXECUTION))) {
            return List.of(); // the plan found sessions revoked already and changed nothing: nothing to put back
        }
        if (!before.equals(ABSENT)) {
            return List.of(put(principal, before));
        }
        String name = principal.name();
        call(principal.operation("Delete"), name, () -> principal.isUser()
                ? (Object) iam.deleteUserPolicy(r -> r.userName(name).policyName(POLICY_NAME))
                : iam.deleteRolePolicy(r -> r.roleName(name).policyName(POLICY_NAME)));
        return List.of(principal.call("Delete"));
    }

    private PlatformCall put(Principal principal, String document) {
        String name = principal.name();
        call(principal.operation("Put"), name, () -> principal.isUser()
                ? (Object) iam.putUserPolicy(r -> r.userName(name).policyName(POLICY_NAME).policyDocument(document))
                : iam.putRolePolicy(r -> r.roleName(name).policyName(POLICY_NAME).policyDocument(document)));
        return principal.call("Put");
    }

    /** The principal's current AWSRevokeOlderSessions document, canonical, or {@link #ABSENT}. */
    private String currentPolicy(Principal principal) {
        String name = principal.name();
        try {
            String encoded = principal.isUser()
                    ? iam.getUserPolicy(r -> r.userName(name).policyName(POLICY_NAME)).policyDocument()
                    : iam.getRolePolicy(r -> r.roleName(name).policyName(POLICY_NAME)).policyDocument();
            return canonical(percentDecode(encoded));
        } catch (NoSuchEntityException absent) {
            return ABSENT;
        } catch (SdkException e) {
            throw AwsErrors.translate(principal.operation("Get"), name, e);
        }
    }

    static String revokeDocument(Instant cutoff) {
        return revokeDocument(cutoff.toString());
    }

    /** The canonical AWSRevokeOlderSessions document with {@code cutoff} as its aws:TokenIssueTime. */
    static String revokeDocument(String cutoff) {
        return canonical("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"*\"],\"Resource\":[\"*\"],"
                + "\"Condition\":{\"DateLessThan\":{\"aws:TokenIssueTime\":\"" + cutoff + "\"}}}]}");
    }

    /**
     * The state a plan made at {@code planned} expects of a canonical {@code document}: our own
     * document with a cut-off no earlier than {@code planned} (to the second) revokes at least what
     * the plan meant, so it reads as the post-state; anything else reads as itself.
     */
    static String asPlanned(String document, Instant planned) {
        Matcher cutoff = CUTOFF.matcher(document);
        if (!cutoff.find()) {
            return document;
        }
        Instant time;
        try {
            time = Instant.parse(cutoff.group(1));
        } catch (DateTimeParseException notATime) {
            return document;
        }
        boolean ours = document.equals(revokeDocument(cutoff.group(1)));
        return ours && !time.isBefore(planned.truncatedTo(ChronoUnit.SECONDS)) ? revokeDocument(AT_EXECUTION) : document;
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

}
