package io.itdr.server.console;

import java.net.URI;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The web console ({@code itdr.console.*}): people sign in with OIDC (authorization code with PKCE) at the issuer named
 * here. The console is off unless {@code issuer-uri} and {@code client-id} are set.
 *
 * @param issuerUri      the OIDC issuer; its {@code /.well-known/openid-configuration} is read at the first sign-in
 * @param clientId       the client registered at the issuer for the console
 * @param clientSecret   the client's secret as a reference ({@code env:VAR} or {@code file:/path}), never the value itself;
 *                       empty for a public client (PKCE alone)
 * @param principalClaim the ID token claim naming the person (the ledger's actor becomes {@code user:<value>})
 * @param rolesClaim     the ID token claim holding the person's itdr roles (viewer, responder, approver, admin), a list or
 *                       a string of names; a dotted name walks nested objects ({@code realm_access.roles})
 * @param scopes         the scopes asked for; {@code openid} is always asked for
 */
@ConfigurationProperties("itdr.console")
public record ConsoleProperties(URI issuerUri, String clientId, String clientSecret, @DefaultValue("sub") String principalClaim,
                                @DefaultValue("roles") String rolesClaim, @DefaultValue({"openid", "profile"}) List<String> scopes) {

    /** The registration id in the console's sign-in paths ({@code /console/oauth2/authorization/itdr}). */
    public static final String REGISTRATION = "itdr";

    public ConsoleProperties {
        scopes = scopes == null ? List.of("openid") : List.copyOf(scopes);
        if (!scopes.contains("openid")) {
            scopes = java.util.stream.Stream.concat(java.util.stream.Stream.of("openid"), scopes.stream()).toList();
        }
    }

    public boolean enabled() {
        return issuerUri != null && clientId != null && !clientId.isBlank();
    }
}
