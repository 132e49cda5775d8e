package io.itdr.connector.aws.normalize;

import io.itdr.spi.event.EventCategory;
import java.util.Map;
import java.util.Set;

/**
 * Which CloudTrail events are sign-ins, privilege changes, credential changes and identity
 * changes, by event source and name. Names follow the IAM and STS API references
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html,
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_Operations.html). Stateless.
 */
final class ActivityKinds {

    /** Where a privilege change puts its grantee and its scope in {@code requestParameters}. */
    enum Grantee {
        USER("userName", "user/"),
        ROLE("roleName", "role/"),
        GROUP("groupName", "group/"),
        /** The changed policy itself: every principal it is attached to is affected. */
        POLICY("policyArn", null);

        final String parameter;
        final String arnPrefix;

        Grantee(String parameter, String arnPrefix) {
            this.parameter = parameter;
            this.arnPrefix = arnPrefix;
        }
    }

    /**
     * How one IAM call changes privileges.
     *
     * @param grants         true when the call adds privileges, false when it removes them
     * @param scopeParameter the request parameter naming what was granted ("policyArn", "policyName", "groupName")
     * @param grantee        who receives it
     */
    record PrivilegeRule(boolean grants, String scopeParameter, Grantee grantee) {
    }

    private static final Map<String, PrivilegeRule> IAM_PRIVILEGE = Map.ofEntries(
            Map.entry("AttachUserPolicy", new PrivilegeRule(true, "policyArn", Grantee.USER)),
            Map.entry("AttachRolePolicy", new PrivilegeRule(true, "policyArn", Grantee.ROLE)),
            Map.entry("AttachGroupPolicy", new PrivilegeRule(true, "policyArn", Grantee.GROUP)),
            Map.entry("PutUserPolicy", new PrivilegeRule(true, "policyName", Grantee.USER)),
            Map.entry("PutRolePolicy", new PrivilegeRule(true, "policyName", Grantee.ROLE)),
            Map.entry("PutGroupPolicy", new PrivilegeRule(true, "policyName", Grantee.GROUP)),
            Map.entry("AddUserToGroup", new PrivilegeRule(true, "groupName", Grantee.USER)),
            Map.entry("CreatePolicyVersion", new PrivilegeRule(true, "policyArn", Grantee.POLICY)),
            Map.entry("SetDefaultPolicyVersion", new PrivilegeRule(true, "policyArn", Grantee.POLICY)),
            Map.entry("UpdateAssumeRolePolicy", new PrivilegeRule(true, null, Grantee.ROLE)),
            Map.entry("DetachUserPolicy", new PrivilegeRule(false, "policyArn", Grantee.USER)),
            Map.entry("DetachRolePolicy", new PrivilegeRule(false, "policyArn", Grantee.ROLE)),
            Map.entry("DetachGroupPolicy", new PrivilegeRule(false, "policyArn", Grantee.GROUP)),
            Map.entry("DeleteUserPolicy", new PrivilegeRule(false, "policyName", Grantee.USER)),
            Map.entry("DeleteRolePolicy", new PrivilegeRule(false, "policyName", Grantee.ROLE)),
            Map.entry("DeleteGroupPolicy", new PrivilegeRule(false, "policyName", Grantee.GROUP)),
            Map.entry("RemoveUserFromGroup", new PrivilegeRule(false, "groupName", Grantee.USER)));

    private static final Set<String> IAM_CREDENTIAL = Set.of(
            "CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey",
            "CreateLoginProfile", "UpdateLoginProfile", "DeleteLoginProfile",
            "CreateServiceSpecificCredential", "UpdateServiceSpecificCredential", "ResetServiceSpecificCredential",
            "DeleteServiceSpecificCredential",
            "UploadSSHPublicKey", "UpdateSSHPublicKey", "DeleteSSHPublicKey",
            "UploadSigningCertificate", "UpdateSigningCertificate", "DeleteSigningCertificate",
            "EnableMFADevice", "DeactivateMFADevice", "CreateVirtualMFADevice", "DeleteVirtualMFADevice");

    /** IAM calls that create or delete the principal itself, with the resource type of its ARN. */
    private static final Map<String, Grantee> IAM_IDENTITY = Map.of(
            "CreateUser", Grantee.USER, "DeleteUser", Grantee.USER,
            "CreateRole", Grantee.ROLE, "DeleteRole", Grantee.ROLE);

    private static final Set<String> STS_AUTHENTICATION = Set.of(
            "AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", "AssumeRoot",
            "GetSessionToken", "GetFederationToken");

    private ActivityKinds() {
    }

    /** The category of an event; {@code service} is the event source without ".amazonaws.com". */
    static EventCategory category(String service, String eventName) {
        if (eventName == null) {
            return EventCategory.API_CALL;
        }
        switch (service) {
            case "sts":
                return STS_AUTHENTICATION.contains(eventName) ? EventCategory.AUTHENTICATION : EventCategory.API_CALL;
            case "signin":
                return eventName.equals("ConsoleLogin") ? EventCategory.AUTHENTICATION : EventCategory.API_CALL;
            case "iam":
                if (IAM_PRIVILEGE.containsKey(eventName)) {
                    return EventCategory.PRIVILEGE_CHANGE;
                }
                if (IAM_CREDENTIAL.contains(eventName)) {
                    return EventCategory.CREDENTIAL_CHANGE;
                }
                return IAM_IDENTITY.containsKey(eventName) ? EventCategory.IDENTITY_CHANGE : EventCategory.API_CALL;
            default:
                return EventCategory.API_CALL;
        }
    }

    /** The privilege rule of an IAM call, or null when it changes no privilege. */
    static PrivilegeRule privilegeRule(String eventName) {
        return eventName == null ? null : IAM_PRIVILEGE.get(eventName);
    }

    /** The kind of principal an IAM identity call creates or deletes, or null. */
    static Grantee identityChange(String eventName) {
        return eventName == null ? null : IAM_IDENTITY.get(eventName);
    }
}
