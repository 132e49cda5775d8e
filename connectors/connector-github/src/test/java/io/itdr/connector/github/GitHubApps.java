package io.itdr.connector.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.github.AuditLogSimulation;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/**
 * A GitHub App installed on one organization: an RSA key pair (the private half as GitHub downloads
 * it, PKCS#1 PEM) and the two endpoints that turn the app's JWT into an installation token. A request
 * without a JWT-shaped bearer is answered 401 as GitHub answers one ("A JSON web token could not be decoded").
 */
final class GitHubApps {
    static final String APP_ID = "123456";
    static final String INSTALLATION_ID = "4711";
    static final String INSTALLATION_TOKEN = "ghs_tckInstallationToken0000000000000000";
    private static final String JWT = "Bearer [A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+";

    private final WireMockServer server;
    private final String org;
    private final KeyPair keys;

    GitHubApps(WireMockServer server, String org) throws GeneralSecurityException {
        this.server = server;
        this.org = org;
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        this.keys = rsa.generateKeyPair();
    }

    void stub() {
        // https://docs.github.com/en/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app
        server.stubFor(get(urlPathEqualTo("/orgs/" + org + "/installation")).atPriority(4)
                .withHeader("Authorization", matching(JWT))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"id\":" + INSTALLATION_ID + ",\"account\":{\"login\":\"" + org + "\",\"type\":\"Organization\"},"
                                + "\"app_id\":" + APP_ID + ",\"app_slug\":\"itdr-watch\",\"target_type\":\"Organization\","
                                + "\"permissions\":{\"organization_administration\":\"read\"},\"events\":[]}")));
        // https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app
        server.stubFor(post(urlPathEqualTo("/app/installations/" + INSTALLATION_ID + "/access_tokens")).atPriority(4)
                .withHeader("Authorization", matching(JWT))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json; charset=utf-8")
                        .withBody("{\"token\":\"" + INSTALLATION_TOKEN + "\",\"expires_at\":\"2026-03-01T13:00:00Z\","
                                + "\"permissions\":{\"organization_administration\":\"read\"},\"repository_selection\":\"all\"}")));
        server.stubFor(post(urlPathEqualTo("/app/installations/" + INSTALLATION_ID + "/access_tokens")).atPriority(6)
                .willReturn(AuditLogSimulation.error(401, "A JSON web token could not be decoded")));
    }

    /** The private key as GitHub downloads it: PKCS#1, {@code BEGIN RSA PRIVATE KEY}. */
    String privateKeyPem() {
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        // a 2048-bit key's PKCS#8 wrapping is 26 bytes: sequence, version, rsaEncryption, octet string header
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        return "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs1)
                + "\n-----END RSA PRIVATE KEY-----\n";
    }

    PublicKey publicKey() {
        return keys.getPublic();
    }

    /** Whether {@code jwt} is signed with the app's key (RS256). */
    boolean signedByTheApp(String jwt) throws GeneralSecurityException {
        String[] parts = jwt.split("\\.");
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(keys.getPublic());
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return rs256.verify(Base64.getUrlDecoder().decode(parts[2]));
    }
}
