package io.itdr.connector.azure.telemetry;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.itdr.fixture.azure.CheckpointContainerSandbox;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link BlobCheckpoints} against a simulated blob container (azure-storage-blob on the wire, anonymous over http). */
class BlobCheckpointsTest {
    private static final String STREAM = "contoso-logs.servicebus.windows.net/insights-logs-signins/$default";
    private final CheckpointContainerSandbox storage = new CheckpointContainerSandbox("devstoreaccount1/checkpoints");
    private WireMockServer server;
    private BlobCheckpoints checkpoints;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(storage));
        server.start();
        storage.stub(server);
        checkpoints = new BlobCheckpoints(new BlobContainerClientBuilder().endpoint(server.baseUrl() + "/devstoreaccount1/checkpoints") // path-style, as for an IP or local host
                .retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, Duration.ofSeconds(10), null, null, null))
                .buildClient(), STREAM);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void aCheckpointIsAnEmptyBlobPerPartitionWithTheSdksMetadataAndReadsBack() {
        checkpoints.store("0", new HubCheckpoints.Checkpoint(41, "8800"));
        checkpoints.store("3", new HubCheckpoints.Checkpoint(7, "1200"));
        checkpoints.store("0", new HubCheckpoints.Checkpoint(42, "9000"));

        assertThat(storage.blobs).containsOnlyKeys(STREAM + "/checkpoint/0", STREAM + "/checkpoint/3");
        assertThat(storage.blobs.get(STREAM + "/checkpoint/0")).containsEntry("sequencenumber", "42").containsEntry("offset", "9000");
        assertThat(checkpoints.load()).containsExactlyInAnyOrderEntriesOf(Map.of("0", new HubCheckpoints.Checkpoint(42, "9000"),
                "3", new HubCheckpoints.Checkpoint(7, "1200")));
    }

    @Test
    void ownershipBlobsAndOtherStreamsAreNotCheckpoints() {
        storage.blobs.put(STREAM + "/ownership/0", Map.of("ownerid", "processor-1"));
        storage.blobs.put("other.servicebus.windows.net/h/$default/checkpoint/0", Map.of("sequencenumber", "5", "offset", "5"));
        storage.blobs.put(STREAM + "/checkpoint/1", Map.of("sequencenumber", "9", "offset", "900"));

        assertThat(checkpoints.load()).containsOnlyKeys("1");
    }

    @Test
    void storageFaultsMapToTheStandardCodes() {
        Map<ResponseDefinitionBuilder, ErrorCode> faults = Map.of(
                CheckpointContainerSandbox.error(403, "AuthorizationPermissionMismatch",
                        "This request is not authorized to perform this operation using this permission."), ErrorCode.PERMISSION_DENIED,
                CheckpointContainerSandbox.error(503, "ServerBusy", "The server is currently unable to receive requests.")
                        .withHeader("Retry-After", "3"), ErrorCode.THROTTLED,
                CheckpointContainerSandbox.error(500, "InternalError", "The server encountered an internal error."), ErrorCode.UNAVAILABLE,
                CheckpointContainerSandbox.error(404, "ContainerNotFound", "The specified container does not exist."), ErrorCode.NOT_FOUND);
        faults.forEach((fault, code) -> {
            server.stubFor(any(anyUrl()).atPriority(1).willReturn(fault));
            assertThatThrownBy(() -> checkpoints.store("0", new HubCheckpoints.Checkpoint(1, "1")))
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.code()).as(fault.build().toString()).isEqualTo(code);
                        assertThat(e.getMessage()).contains("checkpoint/0");
                    });
            assertThatThrownBy(() -> checkpoints.load()).isInstanceOfSatisfying(ConnectorException.class,
                    e -> assertThat(e.code()).isEqualTo(code));
        });
    }

    @Test
    void aListingThatIsNotXmlIsAMalformedResponse() {
        server.stubFor(any(anyUrl()).atPriority(1).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/xml")
                .withBody("<EnumerationResults><Blobs><Blob><Name>")));
        assertThatThrownBy(() -> checkpoints.load()).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
    }
}
