package io.itdr.core.detect;

import java.util.List;
import java.util.Map;

/**
 * How sensitive a platform action is for a machine identity, by action family: the confidence of
 * a first use after the learning period ({@link NhiBehaviourDetector}). A machine identity's
 * repertoire is narrow, so a first use of one of these is worth a look; the more it gives an
 * attacker (turning off the lights, new credentials, sharing data out), the higher.
 *
 * <p>The table (action as the connector names it, {@code service:EventName} on AWS; a trailing
 * {@code *} matches a prefix, for Lambda's versioned names):
 * <table>
 *   <caption>families and sensitivities</caption>
 *   <tr><th>family</th><th>sensitivity</th><th>examples</th></tr>
 *   <tr><td>defense_evasion (logging, detectors, recorders, organization)</td><td>0.85–0.9</td>
 *       <td>cloudtrail:StopLogging, DeleteTrail, UpdateTrail, PutEventSelectors; ec2:DeleteFlowLogs;
 *       guardduty:DeleteDetector, UpdateDetector; config:StopConfigurationRecorder;
 *       organizations:LeaveOrganization; Okta system.log_stream.lifecycle.deactivate</td></tr>
 *   <tr><td>credential_creation</td><td>0.6–0.8</td><td>iam:CreateAccessKey, CreateLoginProfile,
 *       UpdateLoginProfile; sts:GetFederationToken; rolesanywhere:CreateTrustAnchor;
 *       ec2-instance-connect:SendSSHPublicKey; Okta system.api_token.create</td></tr>
 *   <tr><td>policy_or_trust_change</td><td>0.6–0.8</td><td>iam:Attach*Policy, Put*Policy,
 *       CreatePolicyVersion, UpdateAssumeRolePolicy; s3:PutBucketPolicy; kms:PutKeyPolicy;
 *       lambda:AddPermission; Okta user.account.privilege.grant</td></tr>
 *   <tr><td>sharing</td><td>0.7–0.8</td><td>ec2:ModifySnapshotAttribute, ModifyImageAttribute;
 *       rds:ModifyDBSnapshotAttribute, ModifyDBClusterSnapshotAttribute</td></tr>
 *   <tr><td>secret_read</td><td>0.5–0.7</td><td>secretsmanager:GetSecretValue;
 *       ssm:GetParameter(s); ec2:GetPasswordData</td></tr>
 *   <tr><td>execution</td><td>0.4–0.7</td><td>ssm:SendCommand, StartSession;
 *       lambda:UpdateFunctionCode, PublishLayerVersion; ec2:ModifyInstanceAttribute, RunInstances,
 *       EnableSerialConsoleAccess, AuthorizeSecurityGroupIngress</td></tr>
 *   <tr><td>identity_creation</td><td>0.5–0.6</td><td>iam:CreateUser, CreateRole</td></tr>
 * </table>
 * Immutable and thread-safe.
 */
public final class SensitiveActions {

    /** One action's family and sensitivity. */
    public record Sensitivity(String family, double confidence) {
    }

    private static final Map<String, Sensitivity> EXACT = Map.ofEntries(
            // defense evasion
            e("cloudtrail:StopLogging", "defense_evasion", 0.9), e("cloudtrail:DeleteTrail", "defense_evasion", 0.9),
            e("cloudtrail:UpdateTrail", "defense_evasion", 0.85), e("cloudtrail:PutEventSelectors", "defense_evasion", 0.85),
            e("cloudtrail:PutInsightSelectors", "defense_evasion", 0.7),
            e("ec2:DeleteFlowLogs", "defense_evasion", 0.85),
            e("guardduty:DeleteDetector", "defense_evasion", 0.9), e("guardduty:UpdateDetector", "defense_evasion", 0.85),
            e("guardduty:DisassociateFromMasterAccount", "defense_evasion", 0.85),
            e("guardduty:DisassociateFromAdministratorAccount", "defense_evasion", 0.85),
            e("guardduty:CreateIPSet", "defense_evasion", 0.7), e("guardduty:UpdateIPSet", "defense_evasion", 0.7),
            e("config:StopConfigurationRecorder", "defense_evasion", 0.85),
            e("config:DeleteConfigurationRecorder", "defense_evasion", 0.85),
            e("config:DeleteDeliveryChannel", "defense_evasion", 0.85),
            e("securityhub:DisableSecurityHub", "defense_evasion", 0.85),
            e("access-analyzer:DeleteAnalyzer", "defense_evasion", 0.8),
            e("organizations:LeaveOrganization", "defense_evasion", 0.9),
            e("logs:DeleteLogGroup", "defense_evasion", 0.6), e("logs:DeleteLogStream", "defense_evasion", 0.5),
            e("system.log_stream.lifecycle.deactivate", "defense_evasion", 0.9),
            e("system.log_stream.lifecycle.delete", "defense_evasion", 0.9),
            e("policy.lifecycle.deactivate", "defense_evasion", 0.6),
            // credential creation
            e("iam:CreateAccessKey", "credential_creation", 0.8), e("iam:CreateLoginProfile", "credential_creation", 0.8),
            e("iam:UpdateLoginProfile", "credential_creation", 0.8),
            e("iam:CreateServiceSpecificCredential", "credential_creation", 0.6),
            e("iam:UploadSSHPublicKey", "credential_creation", 0.6), e("iam:UploadSigningCertificate", "credential_creation", 0.6),
            e("iam:DeactivateMFADevice", "credential_creation", 0.6),
            e("sts:GetFederationToken", "credential_creation", 0.6), e("sts:GetSessionToken", "credential_creation", 0.4),
            e("rolesanywhere:CreateTrustAnchor", "credential_creation", 0.8),
            e("rolesanywhere:UpdateTrustAnchor", "credential_creation", 0.8),
            e("ec2-instance-connect:SendSSHPublicKey", "credential_creation", 0.6),
            e("ec2-instance-connect:SendSerialConsoleSSHPublicKey", "credential_creation", 0.7),
            e("ec2:CreateKeyPair", "credential_creation", 0.4), e("ec2:ImportKeyPair", "credential_creation", 0.5),
            e("system.api_token.create", "credential_creation", 0.8),
            e("app.oauth2.client_secret.create", "credential_creation", 0.7),
            e("user.mfa.factor.deactivate", "credential_creation", 0.6),
            // policy or trust change
            e("iam:AttachUserPolicy", "policy_or_trust_change", 0.7), e("iam:AttachRolePolicy", "policy_or_trust_change", 0.7),
            e("iam:AttachGroupPolicy", "policy_or_trust_change", 0.7), e("iam:PutUserPolicy", "policy_or_trust_change", 0.7),
            e("iam:PutRolePolicy", "policy_or_trust_change", 0.7), e("iam:PutGroupPolicy", "policy_or_trust_change", 0.7),
            e("iam:CreatePolicyVersion", "policy_or_trust_change", 0.7),
            e("iam:SetDefaultPolicyVersion", "policy_or_trust_change", 0.7),
            e("iam:AddUserToGroup", "policy_or_trust_change", 0.6),
            e("iam:UpdateAssumeRolePolicy", "policy_or_trust_change", 0.8),
            e("iam:PassRole", "policy_or_trust_change", 0.5),
            e("s3:PutBucketPolicy", "policy_or_trust_change", 0.6), e("s3:PutBucketAcl", "policy_or_trust_change", 0.6),
            e("s3:DeleteBucketPolicy", "policy_or_trust_change", 0.5),
            e("s3:PutBucketPublicAccessBlock", "policy_or_trust_change", 0.6),
            e("s3:DeleteBucketPublicAccessBlock", "policy_or_trust_change", 0.7),
            e("kms:PutKeyPolicy", "policy_or_trust_change", 0.7), e("kms:CreateGrant", "policy_or_trust_change", 0.5),
            e("kms:ScheduleKeyDeletion", "policy_or_trust_change", 0.7), e("kms:DisableKey", "policy_or_trust_change", 0.6),
            e("user.account.privilege.grant", "policy_or_trust_change", 0.7),
            e("group.privilege.grant", "policy_or_trust_change", 0.7),
            // sharing
            e("ec2:ModifySnapshotAttribute", "sharing", 0.8), e("ec2:ModifyImageAttribute", "sharing", 0.7),
            e("rds:ModifyDBSnapshotAttribute", "sharing", 0.8), e("rds:ModifyDBClusterSnapshotAttribute", "sharing", 0.8),
            e("ec2:SharedSnapshotCopyInitiated", "sharing", 0.6),
            // secret reads
            e("secretsmanager:GetSecretValue", "secret_read", 0.5), e("secretsmanager:BatchGetSecretValue", "secret_read", 0.6),
            e("ssm:GetParameter", "secret_read", 0.4), e("ssm:GetParameters", "secret_read", 0.5),
            e("ssm:GetParametersByPath", "secret_read", 0.5), e("ec2:GetPasswordData", "secret_read", 0.7),
            // execution and lateral movement
            e("ssm:SendCommand", "execution", 0.6), e("ssm:StartSession", "execution", 0.6),
            e("ec2:ModifyInstanceAttribute", "execution", 0.6), e("ec2:RunInstances", "execution", 0.4),
            e("ec2:EnableSerialConsoleAccess", "execution", 0.7),
            e("ec2:AuthorizeSecurityGroupIngress", "execution", 0.5),
            e("bedrock:InvokeModel", "execution", 0.4), e("bedrock:PutFoundationModelEntitlement", "execution", 0.5),
            e("bedrock:CreateFoundationModelAgreement", "execution", 0.5),
            e("user.session.impersonation.initiate", "execution", 0.8),
            // identity creation
            e("iam:CreateUser", "identity_creation", 0.6), e("iam:CreateRole", "identity_creation", 0.5));

    /** Lambda writes API versions into event names ("UpdateFunctionCode20150331v2"): matched by prefix. */
    private static final List<Map.Entry<String, Sensitivity>> PREFIX = List.of(
            e("lambda:UpdateFunctionCode", "execution", 0.6),
            e("lambda:UpdateFunctionConfiguration", "execution", 0.5),
            e("lambda:PublishLayerVersion", "execution", 0.5),
            e("lambda:AddPermission", "policy_or_trust_change", 0.6),
            e("lambda:AddLayerVersionPermission", "sharing", 0.6),
            e("lambda:CreateFunction", "execution", 0.5));

    private SensitiveActions() {
    }

    /** The action's sensitivity, or null when it is not in the table. */
    public static Sensitivity of(String action) {
        Sensitivity s = EXACT.get(action);
        if (s != null) {
            return s;
        }
        for (Map.Entry<String, Sensitivity> p : PREFIX) {
            if (action.startsWith(p.getKey())) {
                return p.getValue();
            }
        }
        return null;
    }

    private static Map.Entry<String, Sensitivity> e(String action, String family, double confidence) {
        return Map.entry(action, new Sensitivity(family, confidence));
    }
}
