package io.itdr.connector.gcp.inventory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.itdr.connector.gcp.GcpClients;
import io.itdr.connector.gcp.GcpSandbox;
import io.itdr.connector.gcp.GcpSettings;
import io.itdr.connector.tck.TestingConnectorContext;
import io.itdr.fixture.clock.SettableClock;
import io.itdr.fixture.gcp.GoogleApis;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.HttpSettings;
import io.itdr.spi.config.Secret;
import io.itdr.spi.event.IdentityRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults on the reads above the project only (projects.getAncestry, folders.getIamPolicy on v3,
 * organizations.getIamPolicy on v1), while the project's own reads succeed: the kit's faults answer every path,
 * so the first call fails before these are reached. Error bodies per https://cloud.google.com/apis/design/errors.
 */
class AncestorPolicyFaultsTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static GcpSandbox sandbox;
    private static GcpClients clients;

    @BeforeAll
    static void start() {
        sandbox = new GcpSandbox();
        clients = new GcpClients(new GcpSettings(List.of(GcpSandbox.PROJECT), GcpSettings.SignIn.CREDENTIALS_JSON,
                Secret.of(sandbox.keyFile("key-1")), null),
                new HttpSettings(Duration.ofSeconds(5), REQUEST_TIMEOUT, null,
                        Map.of("iam", sandbox.endpoint(), "cloudresourcemanager", sandbox.endpoint())));
    }

    @AfterAll
    static void stop() {
        clients.close();
        sandbox.close();
    }

    @AfterEach
    void reset() {
        sandbox.reset();
    }

    private final GcpInventory inventory = new GcpInventory("gcp", clients, List.of(GcpSandbox.PROJECT), "owner", "criticality", true,
            new SettableClock(TestingConnectorContext.NOW));

    private ConnectorException readingTheDeployerWith(String path, ResponseDefinitionBuilder answer) {
        sandbox.server().stubFor(any(urlPathMatching(path)).atPriority(1).willReturn(answer));
        try {
            inventory.get(null, IdentityRef.of(GcpSandbox.SERVICE_ACCOUNT));
        } catch (ConnectorException e) {
            return e;
        }
        throw new AssertionError("no failure with " + path + " faulty");
    }

    @Test
    void aThrottledFolderReadIsRetriableAfterTheRetryInfoDelay() {
        ConnectorException e = readingTheDeployerWith("/v3/folders/.*", GoogleApis.throttled(Duration.ofSeconds(7)));
        assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED);
        assertThat(e.retriable()).isTrue();
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).contains("folders.getIamPolicy folders/100");
    }

    @Test
    void anUnavailableOrganizationIsRetriable() {
        ConnectorException e = readingTheDeployerWith("/v1/organizations/.*", GoogleApis.error(503, "UNAVAILABLE", "The service is currently unavailable."));
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.retriable()).isTrue();
        assertThat(e.getMessage()).contains("organizations.getIamPolicy organizations/200");
    }

    @Test
    void aFolderThatDoesNotAnswerInTimeIsATimeout() {
        ConnectorException e = readingTheDeployerWith("/v3/folders/.*", aResponse().withStatus(200).withBody("{}")
                .withFixedDelay((int) REQUEST_TIMEOUT.multipliedBy(2).toMillis()));
        assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(e.retriable()).isTrue();
    }

    @Test
    void aMalformedFolderPolicyOrAncestryIsNamedMalformed() {
        ConnectorException folder = readingTheDeployerWith("/v3/folders/.*", aResponse().withStatus(200)
                .withHeader("Content-Type", "text/html").withBody("<html><body>Be right back</body></html>"));
        assertThat(folder.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
        assertThat(folder.getMessage()).contains("folders.getIamPolicy");
        sandbox.reset();
        ConnectorException ancestry = readingTheDeployerWith("/v1/projects/[^/]+:getAncestry", aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"ancestor\":[{\"resourceId\":{\"type\":\"galaxy\",\"id\":\"1\"}}]}"));
        assertThat(ancestry.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE);
        assertThat(ancestry.getMessage()).contains("unknown ancestor type 'galaxy'");
    }

    @Test
    void aFolderReadRefusedIsPermissionDeniedNamingTheFolder() {
        ConnectorException e = readingTheDeployerWith("/v3/folders/.*", GoogleApis.error(403, "PERMISSION_DENIED",
                "Permission 'resourcemanager.folders.getIamPolicy' denied on resource 'folders/100'."));
        assertThat(e.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(e.retriable()).isFalse();
        assertThat(e.getMessage()).contains("resourcemanager.folders.getIamPolicy");
    }
}
