package io.itdr.demo;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.oidc.OidcProviderSandbox;
import java.io.PrintStream;
import java.util.Map;

/**
 * The demo's sign-in for the web console: an OpenID Connect provider on WireMock ({@link OidcProviderSandbox}, a public
 * client with PKCE) with three people, one per role the console's forms need: alice (responder), bob (approver), carol
 * (admin). Start before the server (its properties configure the console), close with the demo.
 */
final class DemoConsole implements AutoCloseable {
    static final String CLIENT = "itdr-console";

    private final WireMockServer server;
    private final OidcProviderSandbox provider;

    private DemoConsole(WireMockServer server, OidcProviderSandbox provider) {
        this.server = server;
        this.provider = provider;
    }

    static DemoConsole start() {
        OidcProviderSandbox provider = new OidcProviderSandbox(CLIENT, null, OidcProviderSandbox.DEMO_PEOPLE);
        WireMockServer server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(provider));
        server.start();
        provider.stub(server);
        return new DemoConsole(server, provider);
    }

    /** The server's console properties: the provider as issuer, the demo's client. */
    Map<String, Object> properties() {
        return Map.of("itdr.console.issuer-uri", provider.issuer(), "itdr.console.client-id", CLIENT);
    }

    /** Where to open the console and who to sign in as; the provider accepts only the console's own redirect from now on. */
    void printWhereToSignIn(PrintStream out, String base) {
        provider.allowRedirect(base + "/console/login/oauth2/code/itdr");
        out.printf("  Console:  %s/console (sign in at the demo identity provider %s)%n", base, provider.issuer());
        for (OidcProviderSandbox.Person person : OidcProviderSandbox.DEMO_PEOPLE) {
            out.printf("            %-6s password %-11s roles %s%n", person.username(), person.password(), String.join(", ", person.roles()));
        }
        out.println("            (a responder engages the kill switch and rolls back; an approver approves what someone else asked for; an "
                + "admin releases the kill switch and activates policies)");
    }

    @Override
    public void close() {
        server.stop();
    }
}
