package io.itdr.connector.okta.inventory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.okta.sdk.resource.client.ApiClient;
import io.itdr.connector.okta.ManagementApiClients;
import io.itdr.connector.okta.OktaErrors;
import io.itdr.fixture.okta.ManagementApiSandbox;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Okta inventory against the stateful WireMock sandbox of the Management API ({@link ManagementApiSandbox}). */
class OktaInventoryTest {
    static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
    static final String ORG = "example.okta.com";
    static final List<String> SERVICE_APPS = List.of("0oa1billing", "0oa2reports", "0oa5legacy", "0oa6mixed");
    static final List<String> API_TOKENS = List.of("00T1ci", "00T2etl", "00T3siem", "00T4backup");
    static final List<String> SERVICE_USERS = List.of("00u1svc", "00u3svc");
    static final List<String> ALL = concat(SERVICE_APPS, API_TOKENS, SERVICE_USERS);

    private final ManagementApiSandbox sandbox = new ManagementApiSandbox();
    private WireMockServer server;
    private ApiClient client;
    private OktaInventory inventory;

    @SafeVarargs
    static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        for (List<String> list : lists) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(sandbox));
        server.start();
        sandbox.stubOperations(server);

        ManagementApiSandbox.App billing = app("billing-sync");
        billing.profile.put("owner", "team-billing");
        billing.profile.put("criticality", "tier1");
        billing.profile.put("costCenter", "cc-17");
        billing.profile.put("contacts", Map.of("pager", "billing-oncall"));
        billing.secrets.put("ocs1a", credential("ACTIVE", "2024-01-10T08:00:00.000Z", "2024-02-01T09:00:00.000Z", null));
        billing.secrets.put("ocs1b", credential("INACTIVE", "2024-03-02T09:30:00.000Z", "2024-03-02T09:30:00.000Z", null));
        billing.jwks.put("pks1a", credential("ACTIVE", "2024-04-01T10:00:00.000Z", "2024-04-01T10:00:00.000Z", "billing-2024"));
        billing.grantedScopes.addAll(List.of("okta.users.manage", "okta.logs.read"));
        ManagementApiSandbox.App reports = app("reports-export");
        reports.adminNotes = "Owner: team-data\ncriticality = tier2; ticket: OPS-1";
        reports.grantedScopes.add("okta.logs.read");
        ManagementApiSandbox.App portal = app("customer-portal");
        portal.grantTypes.clear();
        portal.grantTypes.addAll(List.of("authorization_code", "refresh_token"));
        portal.applicationType = "web";
        ManagementApiSandbox.App saml = app("acme-saml");
        saml.name = "acme_saml";
        saml.signOnMode = "SAML_2_0";
        ManagementApiSandbox.App legacy = app("legacy-sync");
        legacy.status = "INACTIVE";
        ManagementApiSandbox.App mixed = app("web-and-batch");
        mixed.grantTypes.add("authorization_code");
        mixed.applicationType = "web";
        mixed.profile.put("Team", "team-web");
        mixed.profile.put("Tier", "tier3");
        // inserted out of order: Okta lists by id
        sandbox.apps.put("0oa6mixed", mixed);
        sandbox.apps.put("0oa3portal", portal);
        sandbox.apps.put("0oa1billing", billing);
        sandbox.apps.put("0oa4saml", saml);
        sandbox.apps.put("0oa2reports", reports);
        sandbox.apps.put("0oa5legacy", legacy);

        ManagementApiSandbox.ApiToken ci = token("ci-deployer", "00uadmin1");
        ci.connection = "ZONE";
        ci.include.addAll(List.of("nzo1corp", "nzo2ci"));
        ci.exclude.add("nzo9tor");
        ci.created = "2024-02-03T04:05:06.000Z";
        ci.expiresAt = "2024-07-01T00:00:00.000Z";
        sandbox.apiTokens.put("00T1ci", ci);
        sandbox.apiTokens.put("00T3siem", token("siem-export", "00uadmin2"));
        sandbox.apiTokens.put("00T2etl", token("etl", "00uadmin1"));
        sandbox.apiTokens.put("00T4backup", token("backup", "00uadmin2"));

        ManagementApiSandbox.User backup = user("svc-backup@example.com", "ACTIVE");
        backup.profile.put("itdr_service_account", true);
        backup.profile.put("owner", "team-infra");
        backup.profile.put("Criticality", "tier0");
        backup.profile.put("mobilePhone", "+1 555 0100");
        ManagementApiSandbox.User alice = user("alice@example.com", "ACTIVE");
        alice.profile.put("itdr_service_account", false);
        ManagementApiSandbox.User old = user("svc-old@example.com", "SUSPENDED");
        old.profile.put("itdr_service_account", true);
        ManagementApiSandbox.User typed = user("svc-typed@example.com", "ACTIVE");
        typed.profile.put("userType", "service");
        sandbox.users.put("00u3svc", old);
        sandbox.users.put("00u1svc", backup);
        sandbox.users.put("00u2alice", alice);
        sandbox.users.put("00u4typed", typed);

        client = ManagementApiClients.client(server, ManagementApiSandbox.TOKEN, 5);
        inventory = inventory(OktaInventorySettings.defaults());
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    OktaInventory inventory(OktaInventorySettings settings) {
        return new OktaInventory("okta", ORG, client, new OktaErrors(Clock.fixed(NOW, ZoneOffset.UTC)), settings);
    }

    static ManagementApiSandbox.App app(String label) {
        ManagementApiSandbox.App app = new ManagementApiSandbox.App();
        app.label = label;
        return app;
    }

    static ManagementApiSandbox.Credential credential(String status, String created, String lastUpdated, String kid) {
        ManagementApiSandbox.Credential c = new ManagementApiSandbox.Credential();
        c.status = status;
        c.created = created;
        c.lastUpdated = lastUpdated;
        c.kid = kid;
        return c;
    }

    static ManagementApiSandbox.ApiToken token(String name, String userId) {
        ManagementApiSandbox.ApiToken token = new ManagementApiSandbox.ApiToken();
        token.name = name;
        token.userId = userId;
        return token;
    }

    static ManagementApiSandbox.User user(String login, String status) {
        ManagementApiSandbox.User user = new ManagementApiSandbox.User();
        user.profile.put("login", login);
        user.profile.put("email", login);
        user.status = status;
        return user;
    }

    /** Every page from the start, checking each page's size and that tokens move on. */
    static List<InventoryPage> pages(OktaInventory inventory, int pageSize) {
        List<InventoryPage> pages = new ArrayList<>();
        Set<String> tokens = new HashSet<>();
        String token = null;
        do {
            InventoryPage page = inventory.list(token, pageSize);
            assertThat(page.identities()).hasSizeLessThanOrEqualTo(pageSize);
            pages.add(page);
            token = page.nextPageToken();
            assertThat(token == null || tokens.add(token)).as("token %s seen before", token).isTrue();
        } while (token != null && pages.size() < 100);
        return pages;
    }

    static List<String> ids(List<InventoryPage> pages) {
        return pages.stream().flatMap(p -> p.identities().stream()).map(i -> i.identity().id()).toList();
    }

    static Map<String, InventoryIdentity> byId(OktaInventory source) {
        return pages(source, 50).stream().flatMap(p -> p.identities().stream())
                .collect(Collectors.toMap(i -> i.identity().id(), Function.identity()));
    }

    List<String> requests() {
        return ManagementApiSandbox.requests(server).stream().map(r -> URLDecoder.decode(r, StandardCharsets.UTF_8)).toList();
    }

    // ---- paging ----

    @Test
    void pagesOfOneTwoOrMoreGiveEveryIdentityOnceAcrossTheThreeLists() {
        for (int size : new int[] {1, 2, 3, 50}) {
            List<InventoryPage> pages = pages(inventory, size);
            assertThat(ids(pages)).as("page size %d", size).containsExactlyElementsOf(ALL);
            assertThat(pages).as("page size %d", size).allSatisfy(p -> assertThat(p.identities()).isNotEmpty());
            assertThat(pages.get(pages.size() - 1).isLast()).isTrue();
        }
        List<InventoryPage> threes = pages(inventory, 3);
        assertThat(threes.get(1).identities()).extracting(i -> i.identity().id()).containsExactly("0oa6mixed", "00T1ci", "00T2etl");
        assertThat(ManagementApiSandbox.mutations(server)).isEmpty();
        assertThat(requests()).contains("GET /api/v1/apps?limit=1&filter=name eq \"oidc_client\"")
                .anyMatch(r -> r.startsWith("GET /api/v1/apps?after=") && r.contains("filter=name eq \"oidc_client\""))
                .anyMatch(r -> r.startsWith("GET /api/v1/api-tokens?after=00T3siem"))
                .anyMatch(r -> r.startsWith("GET /api/v1/users?") && r.contains("search=profile.itdr_service_account eq true"));
    }

    @Test
    void aLongRunOfOtherAppsEndsAPageEarlyRatherThanScanningOn() {
        for (int i = 0; i < 12; i++) {
            ManagementApiSandbox.App web = app("web-" + i);
            web.grantTypes.clear();
            web.grantTypes.add("authorization_code");
            sandbox.apps.put(String.format("0oa0web%02d", i), web);
        }
        InventoryPage first = inventory.list(null, 1);
        assertThat(first.identities()).as("ten Okta pages of web apps read, none a service app").isEmpty();
        assertThat(first.isLast()).isFalse();
        assertThat(requests()).hasSize(OktaInventory.MAX_READS_PER_PAGE);
        List<String> ids = new ArrayList<>();
        String token = first.nextPageToken();
        while (token != null) {
            InventoryPage page = inventory.list(token, 1);
            page.identities().forEach(i -> ids.add(i.identity().id()));
            token = page.nextPageToken();
        }
        assertThat(ids).containsExactlyElementsOf(ALL);
    }

    // ---- service apps ----

    @Test
    void serviceAppsAreOpenIdConnectAppsWithTheClientCredentialsGrant() {
        Map<String, InventoryIdentity> byId = byId(inventory);
        assertThat(byId.keySet()).doesNotContain("0oa3portal", "0oa4saml");
        InventoryIdentity billing = byId.get("0oa1billing");
        assertThat(billing.platform()).isEqualTo("okta");
        assertThat(billing.tenant()).isEqualTo(ORG);
        assertThat(billing.identity()).isEqualTo(new IdentityRef("0oa1billing", "service_app", "billing-sync"));
        assertThat(billing.enabled()).isTrue();
        assertThat(billing.created()).isEqualTo(Instant.parse(ManagementApiSandbox.DEFAULT_CREATED));
        assertThat(byId.get("0oa5legacy").enabled()).as("an INACTIVE app").isFalse();
        assertThat(byId.get("0oa6mixed").tags()).containsEntry("okta.grantTypes", "client_credentials,authorization_code")
                .containsEntry("okta.applicationType", "web");
        assertThat(billing.consumers()).isEmpty();
        assertThat(billing.entitlementChanges()).isEmpty();
    }

    @Test
    void anAppsCredentialsAreItsClientSecretsAndJsonWebKeys() {
        InventoryIdentity billing = byId(inventory).get("0oa1billing");
        assertThat(billing.credentials()).containsExactly(
                new Credential("ocs1a", "client_secret", Instant.parse("2024-01-10T08:00:00Z"), null, null, CredentialStatus.ACTIVE),
                new Credential("ocs1b", "client_secret", Instant.parse("2024-03-02T09:30:00Z"), null, null, CredentialStatus.INACTIVE),
                new Credential("pks1a", "jwk", Instant.parse("2024-04-01T10:00:00Z"), null, null, CredentialStatus.ACTIVE));
        assertThat(billing.tags()).containsEntry("okta.credential.ocs1a.lastUpdated", "2024-02-01T09:00:00Z")
                .containsEntry("okta.credential.pks1a.kid", "billing-2024")
                .containsEntry("okta.clientId", "0oa1billing")
                .containsEntry("okta.tokenEndpointAuthMethod", "client_secret_basic")
                .containsEntry("okta.applicationType", "service");
        assertThat(billing.toString()).doesNotContain(ManagementApiSandbox.UNDISCLOSED);
        assertThat(byId(inventory).get("0oa2reports").credentials()).isEmpty();
    }

    @Test
    void ownerAndCriticalityComeFromTheAppProfileElseItsAdminNotes() {
        Map<String, InventoryIdentity> byId = byId(inventory);
        InventoryIdentity billing = byId.get("0oa1billing");
        assertThat(billing.owner()).isEqualTo("team-billing");
        assertThat(billing.tags()).containsEntry("criticality", "tier1").containsEntry("costCenter", "cc-17")
                .as("nested profile values are not tags").doesNotContainKey("contacts");
        InventoryIdentity reports = byId.get("0oa2reports");
        assertThat(reports.owner()).as("'Owner: team-data' in the admin notes").isEqualTo("team-data");
        assertThat(reports.tags()).containsEntry("criticality", "tier2");
        assertThat(byId.get("0oa5legacy").owner()).isNull();
        assertThat(byId.get("0oa5legacy").tags()).doesNotContainKey("criticality");

        // an org labelling with other names: matched in any case, the tier handed on under 'criticality'
        Map<String, InventoryIdentity> custom = byId(inventory(new OktaInventorySettings("team", "tier", "itdr_service_account", "true")));
        assertThat(custom.get("0oa6mixed").owner()).isEqualTo("team-web");
        assertThat(custom.get("0oa6mixed").tags()).containsEntry("criticality", "tier3").containsEntry("Tier", "tier3");
        assertThat(custom.get("0oa1billing").owner()).isNull();
    }

    @Test
    void privilegeScopesAreTheGrantedOktaScopesAndManageScopesArePrivileged() {
        Map<String, InventoryIdentity> byId = byId(inventory);
        assertThat(byId.get("0oa1billing").privilegeScopes()).containsExactly("okta.logs.read", "okta.users.manage");
        assertThat(byId.get("0oa1billing").privileged()).isTrue();
        assertThat(byId.get("0oa2reports").privilegeScopes()).containsExactly("okta.logs.read");
        assertThat(byId.get("0oa2reports").privileged()).isFalse();
    }

    // ---- API tokens ----

    @Test
    void anApiTokenIsOwnedByItsCreatorAndCarriesItsNetworkRestriction() {
        InventoryIdentity ci = byId(inventory).get("00T1ci");
        assertThat(ci.identity()).isEqualTo(new IdentityRef("00T1ci", "api_token", "ci-deployer"));
        assertThat(ci.owner()).isEqualTo("00uadmin1");
        assertThat(ci.enabled()).isTrue();
        assertThat(ci.created()).isEqualTo(Instant.parse("2024-02-03T04:05:06Z"));
        assertThat(ci.tags()).isEqualTo(Map.of("okta.network.connection", "ZONE", "okta.network.include", "nzo1corp,nzo2ci",
                "okta.network.exclude", "nzo9tor", "okta.clientName", "Okta API", "okta.tokenWindow", "P30D",
                "okta.lastUpdated", "2024-01-10T08:00:00Z"));
        assertThat(ci.credentials()).containsExactly(new Credential("00T1ci", "api_token", Instant.parse("2024-02-03T04:05:06Z"), null,
                Instant.parse("2024-07-01T00:00:00Z"), CredentialStatus.ACTIVE));
        assertThat(ci.privileged()).as("the creator's admin roles are not read").isNull();
        assertThat(byId(inventory).get("00T2etl").tags()).containsEntry("okta.network.connection", "ANYWHERE")
                .doesNotContainKey("okta.network.include");
    }

    // ---- service users ----

    @Test
    void serviceUsersAreTheUsersWithTheMarker() {
        Map<String, InventoryIdentity> byId = byId(inventory);
        assertThat(byId.keySet()).containsAll(SERVICE_USERS).doesNotContain("00u2alice", "00u4typed");
        InventoryIdentity backup = byId.get("00u1svc");
        assertThat(backup.identity()).isEqualTo(new IdentityRef("00u1svc", "service_user", "svc-backup@example.com"));
        assertThat(backup.owner()).isEqualTo("team-infra");
        assertThat(backup.enabled()).isTrue();
        assertThat(backup.tags()).as("no personal data from the profile").isEqualTo(Map.of("okta.login", "svc-backup@example.com",
                "okta.status", "ACTIVE", "itdr_service_account", "true", "criticality", "tier0"));
        assertThat(backup.credentials()).isEmpty();
        assertThat(byId.get("00u3svc").enabled()).as("a SUSPENDED user").isFalse();

        Map<String, InventoryIdentity> typed = byId(inventory(new OktaInventorySettings("owner", "criticality", "userType", "service")));
        assertThat(typed.keySet()).containsAll(API_TOKENS).contains("00u4typed").doesNotContain("00u1svc", "00u3svc");
        assertThat(requests()).anyMatch(r -> r.contains("search=profile.userType eq \"service\""));
    }

    // ---- failures and resumption ----

    @Test
    void aThrottledPageIsRetriableAndListingResumesFromItsToken() {
        InventoryPage first = inventory.list(null, 2);
        assertThat(first.identities()).extracting(i -> i.identity().id()).containsExactly("0oa1billing", "0oa2reports");
        // https://developer.okta.com/docs/reference/rl-best-practices/: 429 E0000047 with X-Rate-Limit-Reset (epoch seconds)
        StubMapping throttled = server.stubFor(get(urlPathEqualTo("/api/v1/apps")).atPriority(1)
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withHeader("X-Rate-Limit-Reset", Long.toString(NOW.getEpochSecond() + 42))
                        .withBody(ManagementApiSandbox.errorBody("E0000047", "API call exceeded rate limit due to too many requests."))));
        assertThatThrownBy(() -> inventory.list(first.nextPageToken(), 2)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(e.retriable()).isTrue();
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(42));
            assertThat(e.getMessage()).isEqualTo("GET /api/v1/apps: HTTP 429; E0000047: API call exceeded rate limit due to too many requests.");
        });
        server.removeStub(throttled);

        List<String> ids = new ArrayList<>(first.identities().stream().map(i -> i.identity().id()).toList());
        String token = first.nextPageToken();
        while (token != null) {
            InventoryPage page = inventory.list(token, 2);
            page.identities().forEach(i -> ids.add(i.identity().id()));
            token = page.nextPageToken();
        }
        assertThat(ids).containsExactlyElementsOf(ALL);
    }

    @Test
    void aThrottledDescriptionFailsThePageWhichIsThenReadAgain() {
        StubMapping throttled = server.stubFor(get(urlPathEqualTo("/api/v1/apps/0oa5legacy/credentials/secrets")).atPriority(1)
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withHeader("X-Rate-Limit-Reset", Long.toString(NOW.getEpochSecond() + 5))
                        .withBody(ManagementApiSandbox.errorBody("E0000047", "API call exceeded rate limit due to too many requests."))));
        InventoryPage first = inventory.list(null, 2);
        assertThatThrownBy(() -> inventory.list(first.nextPageToken(), 2)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED));
        server.removeStub(throttled);
        assertThat(inventory.list(first.nextPageToken(), 2).identities()).extracting(i -> i.identity().id())
                .containsExactly("0oa5legacy", "0oa6mixed");
    }

    @Test
    void anAppDeletedWhileItsPageIsDescribedIsLeftOutAndThePageFilledUp() {
        sandbox.hooks.afterNext("listApplications", () -> sandbox.apps.remove("0oa2reports"));
        InventoryPage page = inventory.list(null, 3);
        assertThat(page.identities()).extracting(i -> i.identity().id()).containsExactly("0oa1billing", "0oa5legacy", "0oa6mixed");
        assertThat(inventory.list(page.nextPageToken(), 3).identities()).extracting(i -> i.identity().id())
                .containsExactly("00T1ci", "00T2etl", "00T3siem");
    }

    @Test
    void serverErrorsAndUnreadableAnswersAreReported() {
        server.stubFor(get(urlPathEqualTo("/api/v1/users")).atPriority(1).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "application/json").withBody(ManagementApiSandbox.errorBody("E0000010", "Service is in read only mode"))));
        String users = new PageToken(PageToken.Listing.SERVICE_USERS, null, 0).encode();
        assertThatThrownBy(() -> inventory.list(users, 5)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.retriable()).isTrue();
        });
        server.stubFor(get(urlPathEqualTo("/api/v1/api-tokens")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("[{\"id\":\"00T1ci\",\"name\":")));
        String tokens = new PageToken(PageToken.Listing.API_TOKENS, null, 0).encode();
        assertThatThrownBy(() -> inventory.list(tokens, 5)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
    }

    @Test
    void aNextLinkThatDoesNotMoveOnIsRefusedRatherThanFollowedForever() {
        server.stubFor(get(urlPathEqualTo("/api/v1/apps")).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withHeader("Link", "<" + server.baseUrl() + "/api/v1/apps?limit=2>; rel=\"next\"")
                .withBody("[]")));
        assertThatThrownBy(() -> inventory.list(null, 2)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
            assertThat(e.getMessage()).startsWith("Okta's next link for SERVICE_APPS carries no new after cursor");
        });
    }

    // ---- get ----

    @Test
    void getReadsOneIdentityFreshByKindOrByProbing() {
        Map<String, InventoryIdentity> listed = byId(inventory);
        for (InventoryIdentity identity : listed.values()) {
            assertThat(inventory.get(ORG, identity.identity())).contains(identity);
            assertThat(inventory.get(null, IdentityRef.of(identity.identity().id()))).as("no kind: probed").contains(identity);
        }
        sandbox.apps.get("0oa1billing").profile.put("owner", "team-z");
        sandbox.apps.get("0oa1billing").status = "INACTIVE";
        InventoryIdentity fresh = inventory.get(null, new IdentityRef("0oa1billing", "service_app", null)).orElseThrow();
        assertThat(fresh.owner()).isEqualTo("team-z");
        assertThat(fresh.enabled()).isFalse();
        assertThat(ManagementApiSandbox.mutations(server)).isEmpty();
    }

    @Test
    void getIsEmptyForWhatTheOrgDoesNotHoldAsANonHumanIdentity() {
        assertThat(inventory.get(null, IdentityRef.of("tck-no-such-identity"))).isEmpty();
        assertThat(inventory.get(null, new IdentityRef("0oanone", "service_app", null))).isEmpty();
        assertThat(inventory.get(null, new IdentityRef("00Tnone", "api_token", null))).isEmpty();
        assertThat(inventory.get(null, new IdentityRef("00unone", "service_user", null))).isEmpty();
        assertThat(inventory.get(null, new IdentityRef("0oa3portal", "service_app", null))).as("a web app").isEmpty();
        assertThat(inventory.get(null, new IdentityRef("0oa4saml", null, null))).as("a SAML app").isEmpty();
        assertThat(inventory.get(null, new IdentityRef("00u2alice", "service_user", null))).as("a person").isEmpty();
        assertThat(inventory.get(null, new IdentityRef("0oa1billing", "iam_role", null))).as("another kind").isEmpty();
        assertThat(inventory.get("other.okta.com", new IdentityRef("0oa1billing", "service_app", null))).as("another org").isEmpty();
        assertThat(ManagementApiSandbox.mutations(server)).isEmpty();
    }

    @Test
    void aTokenNotMadeHereIsRefused() {
        for (String token : List.of("not-a-token", "djEKQVBQUwoxCg", "%%%", new String(java.util.Base64.getUrlEncoder()
                .encode("v1\nSERVICE_APPS\n-1\n".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8))) {
            assertThatThrownBy(() -> inventory.list(token, 2)).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CURSOR_INVALID);
                assertThat(e.getMessage()).contains("was not made by this connector's inventory");
            });
        }
        assertThat(requests()).isEmpty();
    }
}
