package io.itdr.connector.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.connector.aws.inventory.InventorySettings;
import io.itdr.spi.Capability;
import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorContext;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.ConnectorMetrics;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.action.ActionPlan;
import io.itdr.spi.action.ActionRequest;
import io.itdr.spi.action.ActionTarget;
import io.itdr.spi.action.Rung;
import io.itdr.spi.config.ConfigProperty;
import io.itdr.spi.config.ConfigSchema;
import io.itdr.spi.config.ConnectorConfig;
import io.itdr.spi.config.Secret;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AwsConnectorFactoryTest {
    static final String CANARY_KEY = "AKIACANARYKEY0000001";
    static final String CANARY_SECRET = "canary-secret-do-not-print";
    static final String CANARY_EXTERNAL_ID = "canary-external-id-do-not-print";

    private final AwsConnectorFactory factory = new AwsConnectorFactory();
    private final IamSandbox sandbox = new IamSandbox();
    private WireMockServer server;

    record TestContext(Clock clock, HttpSettings http) implements ConnectorContext {
        @Override
        public Optional<Secret> resolveSecret(String reference) {
            return Optional.empty();
        }

        @Override
        public ConnectorMetrics metrics() {
            return ConnectorMetrics.NOOP;
        }
    }

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(sandbox));
        server.start();
        sandbox.stubActions(server);
        IamSandbox.User user = new IamSandbox.User();
        user.keys.put("AKIAIOSFODNN7EXAMPLE", "Active");
        sandbox.users.put("ci-deployer", user);
        // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
        server.stubFor(post(urlEqualTo("/")).withRequestBody(matching(IamSandbox.actionPattern("GetCallerIdentity")))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(
                        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
                                + "<Arn>arn:aws:sts::123456789012:assumed-role/itdr-responder/itdr</Arn><UserId>AROAEXAMPLE:itdr</UserId>"
                                + "<Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>"
                                + "01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>")));
        // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html (response example, expiry moved far ahead)
        server.stubFor(post(urlEqualTo("/")).withRequestBody(matching(IamSandbox.actionPattern("AssumeRole")))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(
                        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
                                + "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/itdr-responder/itdr</Arn>"
                                + "<AssumedRoleId>ARO123EXAMPLE123:itdr</AssumedRoleId></AssumedRoleUser><Credentials>"
                                + "<AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
                                + "</SecretAccessKey><SessionToken>session-token-example</SessionToken><Expiration>2099-11-09T13:34:41Z"
                                + "</Expiration></Credentials><PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata>"
                                + "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></AssumeRoleResponse>")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private ConnectorContext context() {
        URI endpoint = URI.create(server.baseUrl());
        return new TestContext(Clock.fixed(Instant.parse("2024-06-01T12:00:00Z"), ZoneOffset.UTC),
                new HttpSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), null, Map.of("iam", endpoint, "sts", endpoint)));
    }

    private ConnectorConfig config(Map<String, String> raw) {
        return new ConfigSchema(factory.id(), factory.configProperties()).validate(raw);
    }

    private static Map<String, String> staticKeys(String... more) {
        Map<String, String> raw = new HashMap<>(Map.of("access-key-id", CANARY_KEY, "secret-access-key", CANARY_SECRET, "max-attempts", "1"));
        for (int i = 0; i < more.length; i += 2) {
            raw.put(more[i], more[i + 1]);
        }
        return raw;
    }

    @Test
    void serviceLoaderFindsTheFactory() {
        List<String> ids = new ArrayList<>();
        ServiceLoader.load(ConnectorFactory.class).forEach(f -> ids.add(f.id()));
        assertThat(ids).contains("aws");
        assertThat(factory.displayName()).isEqualTo("Amazon Web Services");
        assertThat(factory.spiVersion()).isEqualTo(io.itdr.spi.SpiVersion.CURRENT);
    }

    @Test
    void everyPropertyIsDescribedAndSecretsAreFlagged() {
        assertThat(factory.configProperties()).allSatisfy(p -> assertThat(p.description()).isNotBlank());
        assertThat(factory.configProperties()).filteredOn(ConfigProperty::secret).extracting(ConfigProperty::name)
                .containsExactlyInAnyOrder("access-key-id", "secret-access-key", "external-id");
        assertThat(factory.configProperties()).extracting(ConfigProperty::name).contains("owner-tag", "criticality-tag");
        ConnectorConfig defaults = config(Map.of());
        assertThat(AwsSettings.from(defaults)).isEqualTo(new AwsSettings("us-east-1", null, null, null, null, "itdr", 3, null));
        assertThat(InventorySettings.from(defaults)).isEqualTo(new InventorySettings("owner", "criticality"));
        assertThatThrownBy(() -> factory.create(config(Map.of("owner-tag", "bad<key>")), context()))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains("owner-tag: expected an IAM tag key");
                });
    }

    @Test
    void inventoryListsTheAccountWithTheConfiguredTagKeys() {
        sandbox.users.get("ci-deployer").tags.put("Team", "platform");
        try (Connector connector = factory.create(config(staticKeys("owner-tag", "team")), context())) {
            InventoryPage page = connector.inventory().list(null, 10);
            assertThat(page.isLast()).isTrue();
            assertThat(page.identities()).singleElement().satisfies(identity -> {
                assertThat(identity.identity().id()).isEqualTo("arn:aws:iam::123456789012:user/ci-deployer");
                assertThat(identity.owner()).isEqualTo("platform");
                assertThat(identity.credentials()).extracting(c -> c.id()).containsExactly("AKIAIOSFODNN7EXAMPLE");
            });
        }
    }

    @Test
    void valuesThatDoNotFitTogetherAreRefusedWithoutShowingSecrets() {
        Map<Map<String, String>, String> cases = Map.of(
                Map.of("access-key-id", CANARY_KEY), "secret-access-key: access-key-id and secret-access-key are given together",
                Map.of("external-id", CANARY_EXTERNAL_ID), "external-id: is only used with assume-role-arn or account-role-arn-template",
                Map.of("assume-role-arn", "arn:aws:iam::123:user/x"), "assume-role-arn: expected an IAM role ARN",
                Map.of("region", "Mars"), "region: expected a region name such as us-east-1",
                Map.of("max-attempts", "0"), "max-attempts: expected 1 to 10",
                Map.of("role-session-name", "a b"), "role-session-name: expected 2-64 characters",
                Map.of("account-role-arn-template", "arn:aws:iam::123456789012:role/itdr-responder"),
                "account-role-arn-template: expected an IAM role ARN with {account} as its account id",
                Map.of("account-role-arn-template", "arn:aws:iam::{account}:user/itdr-responder"),
                "account-role-arn-template: expected an IAM role ARN with {account} as its account id");
        cases.forEach((raw, expected) -> assertThatThrownBy(() -> factory.create(config(raw), context()))
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
                    assertThat(e.getMessage()).contains(expected).doesNotContain(CANARY_KEY).doesNotContain(CANARY_EXTERNAL_ID);
                }));
    }

    @Test
    void createCallsNothingAndToStringShowsNoSecret() {
        Map<String, String> raw = staticKeys("assume-role-arn", "arn:aws:iam::123456789012:role/itdr-responder",
                "external-id", CANARY_EXTERNAL_ID);
        try (Connector connector = factory.create(config(raw), context())) {
            assertThat(server.getAllServeEvents()).isEmpty();
            assertThat(connector.toString()).contains("assumeRole=arn:aws:iam::123456789012:role/itdr-responder")
                    .contains("iam=" + server.baseUrl()).doesNotContain(CANARY_KEY).doesNotContain(CANARY_SECRET)
                    .doesNotContain(CANARY_EXTERNAL_ID);
        }
    }

    @Test
    void declaredCapabilitiesWorkAndTheOthersRefuseWithTheStandardError() {
        try (Connector connector = factory.create(config(staticKeys()), context())) {
            assertThat(connector.id()).isEqualTo("aws");
            assertThat(connector.capabilities()).containsExactlyInAnyOrder(Capability.TELEMETRY_POLL, Capability.TELEMETRY_NORMALIZE,
                    Capability.INVENTORY, Capability.ACTIONS);
            assertThat(connector.telemetry()).isNotNull();
            assertThat(connector.normalizer()).isNotNull();
            assertThat(connector.inventory()).isNotNull();
            assertThat(connector.actions().rungs()).containsOnlyKeys(Rung.DISABLE_CREDENTIAL, Rung.QUARANTINE_SESSION,
                    Rung.ROTATE_CREDENTIAL, Rung.DISABLE_IDENTITY);
        }
    }

    @Test
    void exportNormalizerAndConnectorNormalizerProduceTheSameEvents() throws Exception {
        byte[] trail;
        try (InputStream in = getClass().getResourceAsStream("normalize/iam-user-guide-cloudtrail-examples.json")) {
            trail = in.readAllBytes();
        }
        List<Object> offline = new ArrayList<>();
        List<Object> online = new ArrayList<>();
        factory.exportNormalizer().orElseThrow().normalize(new RawPayload("t.json", null, new ByteArrayInputStream(trail)), collect(offline));
        try (Connector connector = factory.create(config(Map.of()), context())) {
            connector.normalizer().normalize(new RawPayload("t.json", null, new ByteArrayInputStream(trail)), collect(online));
        }
        assertThat(offline).hasSize(10).isEqualTo(online);
    }

    private static NormalizationSink collect(List<Object> out) {
        return NormalizationSink.of((event, location) -> out.add(event), out::add);
    }

    @Test
    void actionsRunAgainstTheConfiguredEndpoint() {
        try (Connector connector = factory.create(config(staticKeys()), context())) {
            ActionPlan plan = connector.actions().plan(new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget("123456789012",
                    new IdentityRef("arn:aws:iam::123456789012:user/ci-deployer", "iam_user", null),
                    new CredentialRef("AKIAIOSFODNN7EXAMPLE", "access_key")), Map.of()));
            connector.actions().execute(plan, "k-1");
            assertThat(sandbox.users.get("ci-deployer").keys).containsEntry("AKIAIOSFODNN7EXAMPLE", "Inactive");
            connector.actions().revert(plan, false);
            assertThat(sandbox.users.get("ci-deployer").keys).containsEntry("AKIAIOSFODNN7EXAMPLE", "Active");
            // signed with the configured static key
            assertThat(server.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getHeader("Authorization"))
                    .contains("Credential=" + CANARY_KEY + "/"));
        }
    }

    @Test
    void healthCheckAssumesTheConfiguredRoleWithTheExternalId() {
        Map<String, String> raw = staticKeys("assume-role-arn", "arn:aws:iam::123456789012:role/itdr-responder",
                "external-id", CANARY_EXTERNAL_ID, "role-session-name", "itdr-test");
        try (Connector connector = factory.create(config(raw), context())) {
            connector.checkHealth();
        }
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        java.util.Collections.reverse(events);
        assertThat(IamSandbox.actions(server)).containsExactly("AssumeRole", "GetCallerIdentity");
        String assume = events.get(0).getRequest().getBodyAsString();
        assertThat(assume).contains("RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fitdr-responder")
                .contains("RoleSessionName=itdr-test").contains("ExternalId=" + CANARY_EXTERNAL_ID);
        assertThat(events.get(0).getRequest().getHeader("Authorization")).contains("Credential=" + CANARY_KEY + "/");
        assertThat(events.get(1).getRequest().getHeader("Authorization")).contains("Credential=ASIAIOSFODNN7EXAMPLE/");
        assertThat(events.get(1).getRequest().getHeader("X-Amz-Security-Token")).isEqualTo("session-token-example");
    }

    private static ActionRequest disableKeyOf(String userArn) {
        return new ActionRequest(Rung.DISABLE_CREDENTIAL, new ActionTarget(null, new IdentityRef(userArn, "iam_user", null),
                new CredentialRef("AKIAIOSFODNN7EXAMPLE", "access_key")), Map.of());
    }

    private static Map<String, String> perAccountRoles() {
        return staticKeys("account-role-arn-template", "arn:aws:iam::{account}:role/itdr-responder", "external-id", CANARY_EXTERNAL_ID);
    }

    @Test
    void actionOnAnotherAccountsTargetAssumesThatAccountsRoleOnceAndActsWithIt() {
        try (Connector connector = factory.create(config(perAccountRoles()), context())) {
            ActionPlan plan = connector.actions().plan(disableKeyOf("arn:aws:iam::111122223334:user/ci-deployer"));
            connector.actions().execute(plan, "k-1");
            assertThat(sandbox.users.get("ci-deployer").keys).containsEntry("AKIAIOSFODNN7EXAMPLE", "Inactive");
            connector.actions().revert(plan, false);
            assertThat(sandbox.users.get("ci-deployer").keys).containsEntry("AKIAIOSFODNN7EXAMPLE", "Active");
        }
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        java.util.Collections.reverse(events);
        List<String> actions = IamSandbox.actions(server);
        // the base account is asked once (123456789012 in the stub), the other account's role assumed once, then IAM
        assertThat(actions.subList(0, 2)).containsExactly("GetCallerIdentity", "AssumeRole");
        assertThat(actions.subList(2, actions.size())).doesNotContain("AssumeRole", "GetCallerIdentity").contains("UpdateAccessKey");
        assertThat(events.get(1).getRequest().getBodyAsString())
                .contains("RoleArn=arn%3Aaws%3Aiam%3A%3A111122223334%3Arole%2Fitdr-responder")
                .contains("ExternalId=" + CANARY_EXTERNAL_ID);
        assertThat(events.get(1).getRequest().getHeader("Authorization")).contains("Credential=" + CANARY_KEY + "/");
        assertThat(events.subList(2, events.size())).allSatisfy(e -> {
            assertThat(e.getRequest().getHeader("Authorization")).contains("Credential=ASIAIOSFODNN7EXAMPLE/");
            assertThat(e.getRequest().getHeader("X-Amz-Security-Token")).isEqualTo("session-token-example");
        });
    }

    @Test
    void actionOnABaseAccountTargetAssumesNothing() {
        try (Connector connector = factory.create(config(perAccountRoles()), context())) {
            ActionPlan plan = connector.actions().plan(disableKeyOf("arn:aws:iam::123456789012:user/ci-deployer"));
            connector.actions().execute(plan, "k-1");
            assertThat(sandbox.users.get("ci-deployer").keys).containsEntry("AKIAIOSFODNN7EXAMPLE", "Inactive");
        }
        assertThat(IamSandbox.actions(server)).doesNotContain("AssumeRole").startsWith("GetCallerIdentity").contains("UpdateAccessKey");
        assertThat(server.getAllServeEvents()).allSatisfy(e -> assertThat(e.getRequest().getHeader("Authorization"))
                .contains("Credential=" + CANARY_KEY + "/"));
    }

    @Test
    void anAccountWhoseRoleCannotBeAssumedIsRefusedBeforeAnyIamCall() {
        // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_Errors: AccessDenied, HTTP 403
        server.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(matching(IamSandbox.actionPattern("AssumeRole")))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/xml").withBody(
                        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                                + "<Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole</Message>"
                                + "</Error><RequestId>a1b2</RequestId></ErrorResponse>")));
        try (Connector connector = factory.create(config(perAccountRoles()), context())) {
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> connector.actions().plan(disableKeyOf("arn:aws:iam::111122223334:user/ci-deployer")))
                        .isInstanceOfSatisfying(ConnectorException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
                            assertThat(e.getMessage()).contains("account 111122223334")
                                    .contains("arn:aws:iam::111122223334:role/itdr-responder").contains("AccessDenied")
                                    .doesNotContain(CANARY_SECRET).doesNotContain(CANARY_EXTERNAL_ID);
                        });
            }
        }
        // a refusal is not cached: the second request asks again; no IAM call is made in any account
        assertThat(IamSandbox.actions(server)).containsExactly("GetCallerIdentity", "AssumeRole", "AssumeRole");
    }

    @Test
    void healthCheckReportsRefusedCredentials() {
        // https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html: InvalidClientTokenId, HTTP 403
        server.stubFor(post(urlEqualTo("/")).atPriority(1).withRequestBody(matching(IamSandbox.actionPattern("GetCallerIdentity")))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/xml").withBody(
                        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
                                + "<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message>"
                                + "</Error><RequestId>a1b2</RequestId></ErrorResponse>")));
        try (Connector connector = factory.create(config(staticKeys()), context())) {
            assertThatThrownBy(connector::checkHealth).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.AUTHENTICATION_FAILED);
                assertThat(e.getMessage()).startsWith("sts:GetCallerIdentity on caller: InvalidClientTokenId (HTTP 403)")
                        .doesNotContain(CANARY_SECRET);
            });
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        Connector connector = factory.create(config(Map.of()), context());
        connector.close();
        connector.close();
        assertThat(server.getAllServeEvents()).isEmpty();
    }
}
