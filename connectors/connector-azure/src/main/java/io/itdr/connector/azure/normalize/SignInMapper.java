package io.itdr.connector.azure.normalize;

import static io.itdr.connector.azure.normalize.AzureFields.firstOf;
import static io.itdr.connector.azure.normalize.AzureFields.known;
import static io.itdr.connector.support.JsonFields.text;
import static io.itdr.connector.azure.normalize.AzureFields.whole;
import static io.itdr.connector.support.JsonFields.child;
import static io.itdr.connector.support.JsonFields.clip;
import static io.itdr.connector.support.JsonFields.object;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps an Entra {@code signIn} (https://learn.microsoft.com/en-us/graph/api/resources/signin?view=graph-rest-beta)
 * to an AUTHENTICATION event: id = {@code id}, time = {@code createdDateTime}, action = {@code signIn}.
 *
 * <p>The identity is the service principal ({@code servicePrincipalId}, else {@code appId}) for
 * service-principal and managed-identity sign-ins, named by {@code signInEventTypes} (beta) or the
 * diagnostic-settings category (ServicePrincipalSignInLogs, ManagedIdentitySignInLogs), kinds
 * {@code service_principal} and {@code managed_identity}; for user sign-ins the user ({@code userId}),
 * kind {@code user}. The credential is {@code servicePrincipalCredentialKeyId} (the key id of the
 * secret or certificate used) with {@code clientCredentialType}; the token is {@code uniqueTokenIdentifier}.
 * Source: {@code ipAddress}, {@code location}, {@code autonomousSystemNumber}, {@code userAgent}.
 * Outcome: {@code status.errorCode} 0 (or the diagnostic {@code resultType} 0) is success.
 *
 * <p>A sign-in Identity Protection marked {@code atRisk} or {@code confirmedCompromised} becomes a
 * PLATFORM_FINDING with confidence by {@code riskLevelDuringSignIn}. Stateless.
 */
final class SignInMapper {
    private SignInMapper() {
    }

    static IdentityEvent map(AzureRecord in, String tenant, String rawRef) {
        JsonNode s = in.body();
        JsonNode r = in.record();
        List<String> problems = new ArrayList<>(2);
        String id = in.id();
        if (id == null) {
            problems.add("id (missing)");
        }
        String created = firstOf(text(s, "createdDateTime"), text(r, "time"));
        Instant time = AzureFields.instant(created);
        if (created == null) {
            problems.add("createdDateTime (missing)");
        } else if (time == null) {
            problems.add("createdDateTime (not an ISO 8601 time: '" + clip(created, 40) + "')");
        }
        IdentityRef identity = identity(in);
        if (identity == null) {
            problems.add("servicePrincipalId, appId and userId (all missing: no identity signed in)");
        }
        if (!problems.isEmpty()) {
            throw new RejectedRecord(io.itdr.connector.support.JsonFields.requiredFieldsMessage(problems));
        }

        Map<String, String> attributes = new LinkedHashMap<>();
        Attributes.put(attributes, "sign_in_type", signInType(in));
        Attributes.put(attributes, "app_id", known(s, "appId"));
        Attributes.put(attributes, "app_display_name", known(s, "appDisplayName"));
        Attributes.put(attributes, "resource", firstOf(known(s, "resourceDisplayName"), known(s, "resourceId")));
        Attributes.put(attributes, "resource_id", known(s, "resourceId"));
        Attributes.put(attributes, "client_credential_type", known(s, "clientCredentialType"));
        Attributes.put(attributes, "managed_identity_type", known(s, "managedIdentityType"));
        Attributes.put(attributes, "federated_credential_id", known(s, "federatedCredentialId"));
        Attributes.put(attributes, "client_app_used", known(s, "clientAppUsed"));
        Attributes.put(attributes, "conditional_access_status", known(s, "conditionalAccessStatus"));
        Attributes.put(attributes, "authentication_protocol", known(s, "authenticationProtocol"));
        Attributes.put(attributes, "risk_level", known(s, "riskLevelDuringSignIn"));
        Attributes.put(attributes, "risk_state", known(s, "riskState"));
        Attributes.put(attributes, "correlation_id", firstOf(text(s, "correlationId"), text(r, "correlationId")));

        JsonNode status = object(s, "status");
        Long errorCode = status != null ? whole(status, "errorCode") : whole(r, "resultType");
        Outcome outcome = errorCode == null ? Outcome.UNKNOWN : errorCode == 0 ? Outcome.SUCCESS : Outcome.FAILURE;
        if (errorCode != null && errorCode != 0) {
            Attributes.put(attributes, "error_code", String.valueOf(errorCode));
            Attributes.put(attributes, "failure_reason", known(status, "failureReason"));
        }

        String keyId = known(s, "servicePrincipalCredentialKeyId");
        CredentialRef credential = keyId == null ? null : new CredentialRef(keyId, credentialKind(known(s, "clientCredentialType")));
        String token = known(s, "uniqueTokenIdentifier");
        String session = known(s, "sessionId");
        PlatformFinding finding = finding(s);

        IdentityEvent.Builder event = IdentityEvent.builder(id, time, AzureLogNormalizer.PLATFORM, identity)
                .tenant(tenant)
                .credential(credential)
                .category(finding != null ? EventCategory.PLATFORM_FINDING : EventCategory.AUTHENTICATION)
                .action("signIn")
                .outcome(outcome)
                .source(source(s, r))
                .session(token == null && session == null ? null : new SessionInfo(session, token, null, null))
                .finding(finding)
                .rawRef(rawRef);
        String resource = firstOf(known(s, "resourceDisplayName"), known(s, "resourceId"));
        if (resource != null) {
            event.privilege(new PrivilegeChange(List.of(resource), null));
        }
        return event.attributes(attributes).build();
    }

    /** Which kind of sign-in: beta {@code signInEventTypes}, else the diagnostic category, else from the fields present. */
    private static String signInType(AzureRecord in) {
        JsonNode types = child(in.body(), "signInEventTypes");
        if (types != null && types.isArray()) {
            for (JsonNode type : types) {
                String t = type.asText("").toLowerCase(Locale.ROOT);
                if (t.equals("serviceprincipal") || t.equals("managedidentity")) {
                    return t.equals("serviceprincipal") ? "servicePrincipal" : "managedIdentity";
                }
            }
            if (!types.isEmpty()) {
                return types.get(0).asText(null);
            }
        }
        String category = text(in.record(), "category");
        if (category != null && in.diagnostic()) {
            switch (category.toLowerCase(Locale.ROOT)) {
                case "serviceprincipalsigninlogs" -> {
                    return "servicePrincipal";
                }
                case "managedidentitysigninlogs" -> {
                    return "managedIdentity";
                }
                case "noninteractiveusersigninlogs" -> {
                    return "nonInteractiveUser";
                }
                case "signinlogs" -> {
                    return "interactiveUser";
                }
                default -> {
                }
            }
        }
        String managed = known(in.body(), "managedIdentityType");
        if (managed != null) {
            return "managedIdentity";
        }
        return known(in.body(), "userId") == null && known(in.body(), "servicePrincipalId") != null ? "servicePrincipal" : null;
    }

    private static IdentityRef identity(AzureRecord in) {
        JsonNode s = in.body();
        String type = signInType(in);
        String principal = firstOf(known(s, "servicePrincipalId"), known(s, "appId"));
        String name = firstOf(known(s, "servicePrincipalName"), known(s, "appDisplayName"));
        if ("managedIdentity".equals(type) && principal != null) {
            return new IdentityRef(principal, "managed_identity", name);
        }
        if ("servicePrincipal".equals(type) && principal != null) {
            return new IdentityRef(principal, "service_principal", name);
        }
        String user = known(s, "userId");
        if (user != null) {
            return new IdentityRef(user, "user", firstOf(known(s, "userPrincipalName"), known(s, "userDisplayName")));
        }
        return principal == null ? null : new IdentityRef(principal, "service_principal", name);
    }

    /** Graph's clientCredentialType (https://learn.microsoft.com/en-us/graph/api/resources/signin?view=graph-rest-beta#properties) as a credential kind. */
    static String credentialKind(String clientCredentialType) {
        if (clientCredentialType == null) {
            return null;
        }
        return switch (clientCredentialType.toLowerCase(Locale.ROOT)) {
            case "clientsecret" -> "client_secret";
            case "clientassertion", "certificate" -> "certificate";
            case "federatedidentitycredential" -> "federated_credential";
            case "managedidentity" -> "managed_identity";
            default -> clientCredentialType;
        };
    }

    private static Source source(JsonNode s, JsonNode r) {
        String ip = firstOf(known(s, "ipAddress"), known(r, "callerIpAddress"));
        Long asn = whole(s, "autonomousSystemNumber");
        String agent = known(s, "userAgent");
        var geo = AzureFields.geo(object(s, "location"));
        if (ip == null && asn == null && agent == null && geo == null) {
            return Source.UNKNOWN;
        }
        return new Source(AzureFields.ip(ip), asn == null || asn <= 0 ? null : asn, null, geo, agent, null);
    }

    /** Identity Protection's verdict on the sign-in, when it says the sign-in is at risk. */
    private static PlatformFinding finding(JsonNode s) {
        String state = known(s, "riskState");
        if (state == null) {
            return null;
        }
        String lower = state.toLowerCase(Locale.ROOT);
        if (!lower.equals("atrisk") && !lower.equals("confirmedcompromised")) {
            return null;
        }
        String level = known(s, "riskLevelDuringSignIn");
        double confidence = lower.equals("confirmedcompromised") ? 0.95 : RiskMapper.confidence(level);
        JsonNode types = firstOf(child(s, "riskEventTypes_v2"), child(s, "riskEventTypes"));
        String type = types != null && types.isArray() && !types.isEmpty() ? types.get(0).asText("risky sign-in") : "riskySignIn";
        return new PlatformFinding(type, confidence, level, "Identity Protection: sign-in " + state);
    }
}
