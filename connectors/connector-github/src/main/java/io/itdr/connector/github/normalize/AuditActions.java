package io.itdr.connector.github.normalize;

import io.itdr.spi.event.EventCategory;
import java.util.List;
import java.util.Locale;

/**
 * What a GitHub audit log {@code action} is, as the engine sees it. Actions follow the catalog
 * "Audit log events for your organization"
 * (https://docs.github.com/en/organizations/keeping-your-organization-secure/managing-security-settings-for-your-organization/audit-log-events-for-your-organization)
 * and its enterprise counterpart; a family ({@code deploy_key.}) is matched by prefix so that new
 * members of it are classified too. Platform findings (secret scanning) are decided by
 * {@link #finding(String)}. Stateless.
 *
 * <ul>
 *   <li>CREDENTIAL_CHANGE: deploy keys, SSH keys, personal access tokens and their org grants, OAuth
 *       tokens, Actions / Dependabot / Codespaces secrets ({@code deploy_key.*}, {@code public_key.*},
 *       {@code personal_access_token.*}, {@code oauth_access.*}, {@code oauth_authorization.*}, actions
 *       naming a {@code secret});</li>
 *   <li>IDENTITY_CHANGE: GitHub Apps and their installations, OAuth apps ({@code integration.*},
 *       {@code integration_installation.*}, {@code oauth_application.*});</li>
 *   <li>PRIVILEGE_CHANGE: members, owners, teams, roles, repository access and permissions, branch
 *       protection and rulesets, default workflow permissions, OIDC subject claims, the org's security
 *       settings (two-factor, SAML, OAuth app restrictions);</li>
 *   <li>API_CALL: everything else (git operations, workflow runs, repository changes).</li>
 * </ul>
 */
final class AuditActions {
    private static final List<String> CREDENTIAL_FAMILIES = List.of("deploy_key.", "public_key.", "personal_access_token.",
            "oauth_access.", "oauth_authorization.", "ssh_certificate_authority.", "ssh_certificate_requirement.");
    private static final List<String> IDENTITY_FAMILIES = List.of("integration.", "integration_installation.",
            "integration_installation_request.", "oauth_application.");
    private static final List<String> PRIVILEGE_FAMILIES = List.of("team.", "business.add_", "business.remove_",
            "business.invite_", "org.add_", "org.remove_", "org.update_member", "org.invite_", "org.set_default_workflow_permissions",
            "org.set_actions_", "org.update_actions_", "repo.update_actions_", "repo.add_member", "repo.remove_member", "repo.update_member",
            "repo.set_actions_", "repo.transfer", "repo.access", "protected_branch.", "repository_ruleset.", "org.disable_",
            "org.enable_", "org.saml_", "org.update_saml_", "org.update_default_repository_permission", "org.oauth_app_access_",
            "organization_moderators.", "role.", "org_credential_authorization.", "oidc_", "actions_oidc_", "members_can_");

    private AuditActions() {
    }

    /** The category of an action; API_CALL when nothing more specific is known (also for null). */
    static EventCategory category(String action) {
        if (action == null) {
            return EventCategory.API_CALL;
        }
        String a = action.toLowerCase(Locale.ROOT);
        if (startsWithAny(a, CREDENTIAL_FAMILIES) || a.contains("secret") && !a.startsWith("secret_scanning")) {
            return EventCategory.CREDENTIAL_CHANGE;
        }
        if (startsWithAny(a, IDENTITY_FAMILIES)) {
            return EventCategory.IDENTITY_CHANGE;
        }
        if (startsWithAny(a, PRIVILEGE_FAMILIES) || a.contains("oidc") || a.endsWith("_admin") || a.contains(".promote_")
                || a.contains(".demote_") || a.contains("permission")) {
            return EventCategory.PRIVILEGE_CHANGE;
        }
        return EventCategory.API_CALL;
    }

    /**
     * The platform finding an action is, or null: a secret scanning alert raised or reopened
     * ({@code secret_scanning_alert.create|reopen}: a secret found in a repository, "About secret scanning"),
     * a push protection bypass ({@code secret_scanning_push_protection.bypass}, and the enterprise's
     * {@code business_secret_scanning_push_protection…bypass}: someone pushed a secret GitHub blocked).
     */
    static FindingKind finding(String action) {
        if (action == null) {
            return null;
        }
        String a = action.toLowerCase(Locale.ROOT);
        if (a.equals("secret_scanning_alert.create") || a.equals("secret_scanning_alert.reopen")) {
            return FindingKind.SECRET_SCANNING_ALERT;
        }
        if (a.contains("secret_scanning_push_protection") && a.contains("bypass") && !a.contains("request")
                && !a.contains("deny") && !a.contains("cancel")) {
            return FindingKind.PUSH_PROTECTION_BYPASS;
        }
        return null;
    }

    /** The secret scanning findings, with the confidence each carries. */
    enum FindingKind {
        /** GitHub matched a secret's pattern in a repository: the credential is exposed, not necessarily used. */
        SECRET_SCANNING_ALERT("github.secret_scanning_alert", 0.8, "a secret was found in a repository"),
        /** Someone pushed a secret that push protection had blocked: a person chose to expose it. */
        PUSH_PROTECTION_BYPASS("github.secret_scanning_push_protection_bypass", 0.7,
                "push protection blocked a secret and the pusher bypassed it");

        final String type;
        final double confidence;
        final String description;

        FindingKind(String type, double confidence, String description) {
            this.type = type;
            this.confidence = confidence;
            this.description = description;
        }
    }

    /**
     * Whether a change adds (true) or removes (false) what it names, from the verb in its action
     * ("…add_member", "…destroy"); null when the action does not say.
     */
    static Boolean adds(String action) {
        if (action == null) {
            return null;
        }
        String a = action.toLowerCase(Locale.ROOT);
        for (String verb : List.of("remove", "destroy", "delete", "revoke", "demote", "disable", "suspend", "deny")) {
            if (a.contains(verb) && !a.contains("un" + verb)) {
                return false;
            }
        }
        for (String verb : List.of("add", "create", "grant", "promote", "enable", "invite", "unsuspend", "approve", "access_granted")) {
            if (a.contains(verb)) {
                return true;
            }
        }
        return null;
    }

    private static boolean startsWithAny(String action, List<String> prefixes) {
        for (String p : prefixes) {
            if (action.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
