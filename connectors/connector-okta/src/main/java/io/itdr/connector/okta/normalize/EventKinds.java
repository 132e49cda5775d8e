package io.itdr.connector.okta.normalize;

import io.itdr.spi.event.EventCategory;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an Okta {@code eventType} is, as the engine sees it. Event types follow the catalog
 * (https://developer.okta.com/docs/reference/api/event-types/); a family is matched by prefix so
 * that new members of it are classified too. Platform findings are decided elsewhere, from the
 * record's content. Stateless.
 *
 * <ul>
 *   <li>AUTHENTICATION: token grants ({@code app.oauth2.as.token.grant*}, {@code app.oauth2.token.grant*}),
 *       sign-ins ({@code user.session.start}, {@code user.authentication.*});</li>
 *   <li>CREDENTIAL_CHANGE: API tokens ({@code system.api_token.*}), a service app's client secrets and
 *       JWKs ({@code app.oauth2.credentials.*}, and any {@code app.oauth2.*} type naming a secret or a jwk);</li>
 *   <li>PRIVILEGE_CHANGE: group membership, admin roles, API scopes granted to a client, consent,
 *       app assignment ({@code group.user_membership.*}, {@code user.account.privilege.*},
 *       {@code group.privilege.*}, {@code app.oauth2.client.privilege.*}, {@code app.oauth2.*scope*} grants and
 *       revocations, {@code app.oauth2.*consent.grant|revoke}, {@code application.user_membership.add|remove},
 *       {@code group.application_assignment.*}, admin role bindings {@code iam.resourceset.bindings.*});</li>
 *   <li>IDENTITY_CHANGE: lifecycle of users, apps and OAuth clients ({@code user.lifecycle.*},
 *       {@code application.lifecycle.*}, {@code app.oauth2.client.lifecycle.*});</li>
 *   <li>API_CALL: everything else.</li>
 * </ul>
 */
final class EventKinds {
    /** Verbs in the order they are looked for: "unassign" before "assign", "deactivate" before "activate". */
    private static final List<Map.Entry<String, Boolean>> VERBS = List.of(
            Map.entry("unassign", false), Map.entry("unsuspend", true), Map.entry("deactivate", false),
            Map.entry("remove", false), Map.entry("revoke", false), Map.entry("delete", false), Map.entry("suspend", false),
            Map.entry("add", true), Map.entry("grant", true), Map.entry("create", true), Map.entry("activate", true),
            Map.entry("assign", true));

    private EventKinds() {
    }

    /** The category of an event type; API_CALL when nothing more specific is known (also for null). */
    static EventCategory category(String eventType) {
        if (eventType == null) {
            return EventCategory.API_CALL;
        }
        String t = eventType.toLowerCase(Locale.ROOT);
        if (t.startsWith("app.oauth2.as.token.grant") || t.startsWith("app.oauth2.token.grant")
                || t.equals("user.session.start") || t.startsWith("user.authentication.")) {
            return EventCategory.AUTHENTICATION;
        }
        if (t.startsWith("system.api_token.") || t.startsWith("app.oauth2.credentials.")
                || (t.startsWith("app.oauth2.") && (t.contains("secret") || t.contains("jwk")))) {
            return EventCategory.CREDENTIAL_CHANGE;
        }
        if (t.startsWith("group.user_membership.") || t.startsWith("user.account.privilege.") || t.startsWith("group.privilege.")
                || t.startsWith("app.oauth2.client.privilege.")
                || (t.startsWith("app.oauth2.") && t.contains("scope") && (t.contains("grant") || t.contains("revoke")))
                || (t.startsWith("app.oauth2.") && (t.contains("consent.grant") || t.contains("consent.revoke")))
                || t.equals("application.user_membership.add") || t.equals("application.user_membership.remove")
                || t.startsWith("group.application_assignment.") || t.startsWith("iam.resourceset.bindings.")) {
            return EventCategory.PRIVILEGE_CHANGE;
        }
        if (t.startsWith("user.lifecycle.") || t.startsWith("application.lifecycle.") || t.startsWith("app.oauth2.client.lifecycle.")) {
            return EventCategory.IDENTITY_CHANGE;
        }
        return EventCategory.API_CALL;
    }

    /**
     * Whether a change adds (true) or removes (false) what it names, from the verb in its event
     * type ("…grant", "…remove"); null when the type does not say.
     */
    static Boolean adds(String eventType) {
        if (eventType == null) {
            return null;
        }
        String t = eventType.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, Boolean> verb : VERBS) {
            if (t.contains(verb.getKey())) {
                return verb.getValue();
            }
        }
        return null;
    }
}
