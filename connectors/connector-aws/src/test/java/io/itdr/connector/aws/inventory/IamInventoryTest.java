package io.itdr.connector.aws.inventory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import java.net.URI;
import java.time.Instant;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;

/** The IAM inventory against the stateful WireMock sandbox of the IAM Query API ({@link IamSandbox}). */
class IamInventoryTest {
    static final String ACCOUNT = "123456789012";
    static final String ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
    static final String IAM_FULL = "arn:aws:iam::aws:policy/IAMFullAccess";
    static final String DENY_ALL = "arn:aws:iam::aws:policy/AWSDenyAll";
    static final List<String> ALL = List.of(user("alice"), user("bob"), user("carol"), role("app-server"), role("deployer"));
    static final Set<String> READS = Set.of("ListUsers", "ListRoles", "GetUser", "GetRole", "ListAccessKeys", "GetAccessKeyLastUsed",
            "ListUserTags", "ListRoleTags", "ListAttachedUserPolicies", "ListAttachedRolePolicies", "ListUserPolicies", "ListRolePolicies");

    private final IamSandbox sandbox = new IamSandbox();
    private WireMockServer server;
    private IamClient iam;
    private IamInventory inventory;

    static String user(String name) {
        return "arn:aws:iam::" + ACCOUNT + ":user/" + name;
    }

    static String role(String name) {
        return "arn:aws:iam::" + ACCOUNT + ":role/" + name;
    }

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().jettyAcceptors(1).extensions(sandbox));
        server.start();
        sandbox.stubActions(server);

        IamSandbox.User alice = new IamSandbox.User();
        alice.keys.put("AKIAALICEKEY0000001", "Active");
        alice.lastUsedService.put("AKIAALICEKEY0000001", "s3");
        alice.keys.put("AKIAALICEKEY0000002", "Inactive");
        alice.keyCreated.put("AKIAALICEKEY0000002", "2024-03-02T09:30:00Z");
        alice.tags.put("owner", "team-a");
        alice.tags.put("criticality", "tier1");
        alice.tags.put("cost-center", "cc-17");
        alice.attached.add(ADMIN);
        IamSandbox.User bob = new IamSandbox.User();
        bob.keys.put("AKIABOBKEY000000001", "Active");
        bob.tags.put("Team", "payments");
        bob.tags.put("Tier", "tier0");
        bob.inline.put("S3-Admin-Inline", "{}");
        bob.attached.add("arn:aws:iam::aws:policy/ReadOnlyAccess");
        IamSandbox.User carol = new IamSandbox.User();
        carol.attached.add(DENY_ALL);
        // inserted out of order: IAM lists by name
        sandbox.users.put("carol", carol);
        sandbox.users.put("alice", alice);
        sandbox.users.put("bob", bob);

        IamSandbox.Role appServer = new IamSandbox.Role();
        appServer.tags.put("owner", "team-b");
        appServer.attached.add("arn:aws:iam::" + ACCOUNT + ":policy/AdministratorAccess"); // a customer policy of that name
        appServer.inline.put("read-only", "{}");
        IamSandbox.Role deployer = new IamSandbox.Role();
        deployer.attached.add(IAM_FULL);
        sandbox.roles.put("deployer", deployer);
        sandbox.roles.put("app-server", appServer);

        iam = IamClient.builder()
                .endpointOverride(URI.create(server.baseUrl()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTESTEXAMPLE", "test-secret")))
                .overrideConfiguration(o -> o.retryStrategy(b -> b.maxAttempts(1)))
                .build();
        inventory = new IamInventory("aws", iam, InventorySettings.defaults());
    }

    @AfterEach
    void stop() {
        iam.close();
        server.stop();
    }

    /** Every page from the start, checking each page's size and that tokens move on. */
    static List<InventoryPage> pages(IamInventory inventory, int pageSize) {
        List<InventoryPage> pages = new ArrayList<>();
        Set<String> tokens = new HashSet<>();
        String token = null;
        do {
            InventoryPage page = inventory.list(token, pageSize);
            assertThat(page.identities()).hasSizeLessThanOrEqualTo(pageSize);
            pages.add(page);
            token = page.nextPageToken();
            assertThat(token == null || tokens.add(token)).as("token %s seen before", token).isTrue();
        } while (token != null && pages.size() < 50);
        return pages;
    }

    static List<String> ids(List<InventoryPage> pages) {
        return pages.stream().flatMap(p -> p.identities().stream()).map(i -> i.identity().id()).toList();
    }

    Map<String, InventoryIdentity> byName(IamInventory source) {
        return pages(source, 10).stream().flatMap(p -> p.identities().stream())
                .collect(Collectors.toMap(i -> i.identity().name(), Function.identity()));
    }

    List<String> mutatingActions() {
        return IamSandbox.actions(server).stream().filter(a -> !READS.contains(a)).toList();
    }

    @Test
    void pagesOfOneAndTwoGiveEveryUserAndRoleOnceInOrder() {
        for (int size : new int[] {1, 2}) {
            List<InventoryPage> pages = pages(inventory, size);
            assertThat(ids(pages)).as("page size %d", size).containsExactlyElementsOf(ALL);
            assertThat(pages).allSatisfy(p -> assertThat(p.identities()).isNotEmpty());
        }
        // a page of two holds the last user and the first role
        List<InventoryPage> twos = pages(inventory, 2);
        assertThat(twos.get(1).identities()).extracting(i -> i.identity().id()).containsExactly(user("carol"), role("app-server"));
        assertThat(twos).hasSize(3);
        assertThat(pages(inventory, 1)).hasSize(5);
        assertThat(IamSandbox.actions(server)).contains("ListUsers", "ListRoles");
        assertThat(mutatingActions()).isEmpty();
    }

    @Test
    void accessKeysCarryStatusCreationAndLastUse() {
        InventoryIdentity alice = byName(inventory).get("alice");
        assertThat(alice.platform()).isEqualTo("aws");
        assertThat(alice.tenant()).isEqualTo(ACCOUNT);
        assertThat(alice.identity()).isEqualTo(new IdentityRef(user("alice"), "iam_user", "alice"));
        assertThat(alice.created()).isEqualTo(Instant.parse(IamSandbox.DEFAULT_CREATED));
        assertThat(alice.credentials()).containsExactly(
                new Credential("AKIAALICEKEY0000001", "access_key", Instant.parse(IamSandbox.DEFAULT_CREATED),
                        Instant.parse("2024-05-30T10:45:00Z"), null, CredentialStatus.ACTIVE),
                new Credential("AKIAALICEKEY0000002", "access_key", Instant.parse("2024-03-02T09:30:00Z"), null, null,
                        CredentialStatus.INACTIVE));
        assertThat(alice.consumers()).isEmpty();
        assertThat(alice.entitlementChanges()).isEmpty();
        assertThat(byName(inventory).get("deployer").credentials()).as("roles have no access keys").isEmpty();
    }

    @Test
    void tagsGiveOwnerAndCriticalityAndAreAllKept() {
        Map<String, InventoryIdentity> byName = byName(inventory);
        InventoryIdentity alice = byName.get("alice");
        assertThat(alice.owner()).isEqualTo("team-a");
        assertThat(alice.tags()).isEqualTo(Map.of("owner", "team-a", "criticality", "tier1", "cost-center", "cc-17"));
        assertThat(byName.get("app-server").owner()).isEqualTo("team-b");
        assertThat(byName.get("bob").owner()).as("no tag named owner in any case").isNull();
        assertThat(byName.get("bob").tags()).isEqualTo(Map.of("Team", "payments", "Tier", "tier0"));

        // an estate tagging with other keys: matched in any case; the tier handed on under 'criticality'
        Map<String, InventoryIdentity> custom = byName(new IamInventory("aws", iam, new InventorySettings("team", "tier")));
        assertThat(custom.get("bob").owner()).isEqualTo("payments");
        assertThat(custom.get("bob").tags()).isEqualTo(Map.of("Team", "payments", "Tier", "tier0", "criticality", "tier0"));
        // an identity with its own criticality tag keeps it: the platform's value is not overwritten
        sandbox.users.get("bob").tags.put("criticality", "tier3");
        assertThat(byName(new IamInventory("aws", iam, new InventorySettings("team", "tier"))).get("bob").tags())
                .containsEntry("criticality", "tier3");
        assertThat(custom.get("alice").owner()).isNull();
    }

    @Test
    void privilegeScopesAndTheRulesForPrivilegedAndEnabled() {
        Map<String, InventoryIdentity> byName = byName(inventory);
        assertThat(byName.get("alice").privilegeScopes()).containsExactly(ADMIN);
        assertThat(byName.get("alice").privileged()).as("AWS managed AdministratorAccess").isTrue();
        assertThat(byName.get("bob").privilegeScopes()).containsExactly("arn:aws:iam::aws:policy/ReadOnlyAccess", "inline:S3-Admin-Inline");
        assertThat(byName.get("bob").privileged()).as("an inline policy named like admin").isTrue();
        assertThat(byName.get("deployer").privileged()).as("AWS managed IAMFullAccess").isTrue();
        assertThat(byName.get("app-server").privilegeScopes())
                .containsExactly("arn:aws:iam::" + ACCOUNT + ":policy/AdministratorAccess", "inline:read-only");
        assertThat(byName.get("app-server").privileged()).as("a customer policy merely named AdministratorAccess").isFalse();

        assertThat(byName.get("carol").enabled()).as("quarantined with AWSDenyAll").isFalse();
        assertThat(byName.get("carol").privileged()).isFalse();
        assertThat(byName.values()).filteredOn(i -> !i.identity().name().equals("carol")).allMatch(i -> Boolean.TRUE.equals(i.enabled()));
    }

    @Test
    void aThrottledPageIsRetriableAndListingResumesFromItsToken() {
        InventoryPage first = inventory.list(null, 2);
        assertThat(first.identities()).extracting(i -> i.identity().name()).containsExactly("alice", "bob");
        // Query API throttling: HTTP 400 <Code>Throttling</Code> (https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html)
        StubMapping throttled = server.stubFor(post(urlEqualTo("/")).atPriority(1)
                .withRequestBody(matching(IamSandbox.actionPattern("ListUsers")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/xml")
                        .withBody(IamSandbox.errorXml("Throttling", "Rate exceeded"))));
        assertThatThrownBy(() -> inventory.list(first.nextPageToken(), 2)).isInstanceOfSatisfying(ConnectorException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
            assertThat(e.retriable()).isTrue();
            assertThat(e.getMessage()).startsWith("iam:ListUsers on the account: Throttling (HTTP 400): Rate exceeded");
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
        StubMapping throttled = server.stubFor(post(urlEqualTo("/")).atPriority(1)
                .withRequestBody(matching(IamSandbox.actionPattern("ListRoleTags")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "text/xml")
                        .withBody(IamSandbox.errorXml("Throttling", "Rate exceeded"))));
        InventoryPage users = inventory.list(null, 3);
        assertThatThrownBy(() -> inventory.list(users.nextPageToken(), 3)).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED));
        server.removeStub(throttled);
        assertThat(inventory.list(users.nextPageToken(), 3).identities()).extracting(i -> i.identity().name())
                .containsExactly("app-server", "deployer");
    }

    @Test
    void aUserDeletedBetweenPagesIsLeftOutAndNoOtherIsSkipped() {
        InventoryPage first = inventory.list(null, 1);
        assertThat(first.identities()).extracting(i -> i.identity().name()).containsExactly("alice");
        sandbox.users.remove("bob");
        List<String> rest = new ArrayList<>();
        String token = first.nextPageToken();
        while (token != null) {
            InventoryPage page = inventory.list(token, 1);
            page.identities().forEach(i -> rest.add(i.identity().id()));
            token = page.nextPageToken();
        }
        assertThat(rest).containsExactly(user("carol"), role("app-server"), role("deployer"));
    }

    @Test
    void aUserDeletedWhileItsPageIsDescribedIsLeftOut() {
        sandbox.hooks.afterNext("ListUsers", () -> sandbox.users.remove("bob"));
        InventoryPage page = inventory.list(null, 3);
        // the page is filled up from the roles
        assertThat(page.identities()).extracting(i -> i.identity().name()).containsExactly("alice", "carol", "app-server");
        InventoryPage last = inventory.list(page.nextPageToken(), 3);
        assertThat(last.identities()).extracting(i -> i.identity().name()).containsExactly("deployer");
        assertThat(last.isLast()).isTrue();
    }

    @Test
    void getReadsOneUserOrRoleFresh() {
        Map<String, InventoryIdentity> listed = byName(inventory);
        assertThat(inventory.get(ACCOUNT, new IdentityRef(user("alice"), "iam_user", null))).contains(listed.get("alice"));
        assertThat(inventory.get(null, IdentityRef.of(role("app-server")))).contains(listed.get("app-server"));

        sandbox.users.get("alice").tags.put("owner", "team-z");
        sandbox.users.get("alice").attached.add(DENY_ALL);
        InventoryIdentity fresh = inventory.get(null, IdentityRef.of(user("alice"))).orElseThrow();
        assertThat(fresh.owner()).isEqualTo("team-z");
        assertThat(fresh.enabled()).isFalse();
        assertThat(IamSandbox.actions(server)).contains("GetUser", "GetRole");
    }

    @Test
    void getIsEmptyForWhatThisAccountDoesNotHold() {
        assertThat(inventory.get(null, IdentityRef.of(user("nobody")))).isEmpty();
        assertThat(inventory.get(null, IdentityRef.of(role("nothing")))).isEmpty();
        assertThat(inventory.get(null, IdentityRef.of("tck-no-such-identity"))).isEmpty();
        assertThat(inventory.get(null, IdentityRef.of("arn:aws:sts::" + ACCOUNT + ":assumed-role/deployer/session"))).isEmpty();
        // a same-named user of another account is not this one
        assertThat(inventory.get(null, IdentityRef.of("arn:aws:iam::999999999999:user/alice"))).isEmpty();
        assertThat(inventory.get("999999999999", IdentityRef.of(user("alice")))).isEmpty();
        assertThat(mutatingActions()).isEmpty();
    }

    @Test
    void aTokenNotMadeHereIsRefused() {
        for (String token : List.of("not-a-token", "djEKR1JPVVBTCg", "%%%")) {
            assertThatThrownBy(() -> inventory.list(token, 2)).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CURSOR_INVALID);
                assertThat(e.getMessage()).contains("was not made by this connector's inventory");
            });
        }
        assertThat(IamSandbox.actions(server)).isEmpty();
    }
}
