package io.itdr.server.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.core.decide.policy.PolicyLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;

/**
 * What the API tests run against, made once per test JVM: an IAM and STS stand-in on WireMock
 * ({@link IamSandbox}; CloudTrail answers with no events), an enforce-mode copy of the default
 * policy, an identity catalog, and an RSA key pair whose public half the server trusts for JWTs.
 */
public final class TestEstate {
    public static final String ACCOUNT = "123456789012";
    /** Roles named {@code team<n>-*} belong to owner {@code team-<n>}: each test its own owner, so its own per-owner budget. */
    public static final String CATALOG = catalog(8);
    private static TestEstate instance;

    public final IamSandbox iam = new IamSandbox();
    public final WireMockServer aws;
    public final Path policy;
    public final Path catalog;
    public final Path jwtPublicKey;
    private final PrivateKey jwtSigningKey;

    private TestEstate() throws IOException, NoSuchAlgorithmException {
        aws = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(iam));
        aws.start();
        Runtime.getRuntime().addShutdownHook(new Thread(aws::stop));
        iam.stubActions(aws);
        // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html: no events
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", containing("LookupEvents"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1").withBody("{\"Events\":[]}")));
        // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
        aws.stubFor(post(urlEqualTo("/")).withRequestBody(matching(IamSandbox.actionPattern("GetCallerIdentity")))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody("""
                        <GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>\
                        <Arn>arn:aws:iam::123456789012:user/itdr</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>\
                        </GetCallerIdentityResult><ResponseMetadata><RequestId>0c5d8b1e-0000-4000-8000-000000000001</RequestId>\
                        </ResponseMetadata></GetCallerIdentityResponse>""")));
        Path dir = Files.createTempDirectory("itdr-api-test-");
        policy = Files.writeString(dir.resolve("policy.yaml"), enforcingDefaultPolicy());
        catalog = Files.writeString(dir.resolve("catalog.yaml"), CATALOG);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        jwtSigningKey = keys.getPrivate();
        jwtPublicKey = Files.writeString(dir.resolve("jwt-public.pem"), "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n");
        for (Path file : new Path[] {policy, catalog, jwtPublicKey}) {
            file.toFile().deleteOnExit();
        }
        dir.toFile().deleteOnExit();
    }

    public static synchronized TestEstate get() {
        if (instance == null) {
            try {
                instance = new TestEstate();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has RSA", e);
            }
        }
        return instance;
    }

    /** Server properties: the AWS connector on the sandbox, the policy, the catalog, the JWT key. */
    public Map<String, String> serverProperties() {
        String endpoint = aws.baseUrl();
        return Map.ofEntries(
                Map.entry("itdr.policy", policy.toString()),
                Map.entry("itdr.catalog", catalog.toString()),
                Map.entry("itdr.connectors.aws.enabled", "true"),
                Map.entry("itdr.connectors.aws.config.region", "us-east-1"),
                Map.entry("itdr.connectors.aws.config.access-key-id", "AKIDTESTEXAMPLE"),
                Map.entry("itdr.connectors.aws.config.secret-access-key", "test-secret-not-real"),
                Map.entry("itdr.connectors.aws.config.max-attempts", "1"),
                Map.entry("itdr.connectors.aws.endpoints.iam", endpoint),
                Map.entry("itdr.connectors.aws.endpoints.sts", endpoint),
                Map.entry("itdr.connectors.aws.endpoints.cloudtrail", endpoint),
                Map.entry("itdr.connectors.aws.endpoints.guardduty", endpoint),
                Map.entry("itdr.connectors.aws.poll-interval", "1h"),
                Map.entry("spring.security.oauth2.resourceserver.jwt.public-key-location", jwtPublicKey.toUri().toString()));
    }

    /** A JWT signed with the key the server trusts, valid for ten minutes. */
    public String jwt(Map<String, Object> claims) {
        JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(600)));
        claims.forEach(set::claim);
        return sign(set.build(), jwtSigningKey);
    }

    /** A JWT signed with a key the server does not know. */
    public static String jwtSignedByStranger(Map<String, Object> claims) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            JWTClaimsSet.Builder set = new JWTClaimsSet.Builder().expirationTime(Date.from(Instant.now().plusSeconds(600)));
            claims.forEach(set::claim);
            return sign(set.build(), generator.generateKeyPair().getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has RSA", e);
        }
    }

    private static String sign(JWTClaimsSet claims, PrivateKey key) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a test JWT", e);
        }
    }

    private static String catalog(int teams) {
        StringBuilder catalog = new StringBuilder("identities:\n");
        for (int team = 1; team <= teams; team++) {
            catalog.append("  - match: \"arn:aws:iam::*:role/team").append(team).append("-*\"\n")
                    .append("    platform: aws\n")
                    .append("    owner: team-").append(team).append('\n')
                    .append("    criticality: tier2\n")
                    .append("    consumers: [orders-api]\n")
                    .append("    expected_sources:\n")
                    .append("      asns: [16509]\n");
        }
        return catalog.toString();
    }

    private static String enforcingDefaultPolicy() throws IOException {
        try (InputStream in = PolicyLoader.class.getClassLoader().getResourceAsStream(PolicyLoader.DEFAULT_POLICY_RESOURCE)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.replaceFirst("(?m)^mode: shadow$", "mode: enforce");
        }
    }
}
