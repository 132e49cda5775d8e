package io.itdr.connector.azure.telemetry;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import io.itdr.connector.support.JsonFields;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Checkpoints as blobs in a storage container, laid out as the Event Hubs SDK's {@code BlobCheckpointStore} lays
 * them out, so an {@code EventProcessorClient} of the same consumer group could take over: one empty blob per
 * partition, {@code <namespace>/<hub>/<consumer group>/checkpoint/<partition id>} (lower case), with the metadata
 * {@code sequencenumber} and {@code offset}. Written with Put Blob
 * (https://learn.microsoft.com/en-us/rest/api/storageservices/put-blob), read with List Blobs and
 * {@code include=metadata} (https://learn.microsoft.com/en-us/rest/api/storageservices/list-blobs), through
 * {@code com.azure:azure-storage-blob}. The connector's identity needs Storage Blob Data Contributor on the
 * container. Failures map to the standard codes (429 → THROTTLED, 5xx → UNAVAILABLE, 401 → AUTHENTICATION_FAILED,
 * 403 → PERMISSION_DENIED, 404 → NOT_FOUND). Thread-safe.
 */
final class BlobCheckpoints implements HubCheckpoints {
    private static final String SEQUENCE_NUMBER = "sequencenumber";
    private static final String OFFSET = "offset";

    private final BlobContainerClient container;
    private final String prefix;

    /** On the container at {@code url}, signed in with the connector's credential. */
    static BlobCheckpoints of(EventHubSettings settings, TokenCredential credential) {
        return new BlobCheckpoints(new BlobContainerClientBuilder().endpoint(settings.checkpointContainer().toString())
                .credential(credential).buildClient(), settings.stream());
    }

    BlobCheckpoints(BlobContainerClient container, String stream) {
        this.container = Objects.requireNonNull(container, "container");
        this.prefix = Objects.requireNonNull(stream, "stream").toLowerCase(Locale.ROOT) + "/checkpoint/";
    }

    @Override
    public Map<String, Checkpoint> load() {
        Map<String, Checkpoint> checkpoints = new LinkedHashMap<>();
        try {
            ListBlobsOptions options = new ListBlobsOptions().setPrefix(prefix).setDetails(new BlobListDetails().setRetrieveMetadata(true));
            for (BlobItem blob : container.listBlobs(options, null)) {
                String partition = blob.getName().substring(prefix.length());
                Map<String, String> metadata = lowerCase(blob.getMetadata());
                String sequence = metadata.get(SEQUENCE_NUMBER);
                String offset = metadata.get(OFFSET);
                if (partition.isEmpty() || partition.contains("/") || sequence == null || offset == null) {
                    continue; // not a checkpoint (an ownership record, or a blob without metadata)
                }
                try {
                    checkpoints.put(partition, new Checkpoint(Long.parseLong(sequence.trim()), offset.trim()));
                } catch (NumberFormatException e) {
                    throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "checkpoint blob " + JsonFields.clip(blob.getName(), 200)
                            + ": sequencenumber '" + JsonFields.clip(sequence, 40) + "' is not a number");
                }
            }
        } catch (RuntimeException e) {
            throw map("list checkpoints " + prefix, e);
        }
        return checkpoints;
    }

    @Override
    public void store(String partition, Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        String name = prefix + partition;
        Map<String, String> metadata = Map.of(SEQUENCE_NUMBER, Long.toString(checkpoint.sequenceNumber()), OFFSET, checkpoint.offset());
        try {
            container.getBlobClient(name).getBlockBlobClient().uploadWithResponse(
                    new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(new byte[0])).setMetadata(metadata), null, Context.NONE);
        } catch (RuntimeException e) {
            throw map("write checkpoint " + name, e);
        }
    }

    private static Map<String, String> lowerCase(Map<String, String> metadata) {
        Map<String, String> lower = new LinkedHashMap<>();
        if (metadata != null) {
            metadata.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        }
        return lower;
    }

    static ConnectorException map(String what, RuntimeException e) {
        if (e instanceof ConnectorException c) {
            return c;
        }
        if (e instanceof BlobStorageException s) {
            int status = s.getStatusCode();
            String detail = what + ": HTTP " + status + (s.getErrorCode() == null ? "" : " " + s.getErrorCode());
            if (status == 429 || status == 503 && "ServerBusy".equals(String.valueOf(s.getErrorCode()))) {
                String after = s.getResponse() == null ? null : s.getResponse().getHeaderValue("Retry-After");
                return ConnectorException.retriable(ErrorCode.THROTTLED, detail, seconds(after), e);
            }
            if (status >= 500) {
                return ConnectorException.retriable(ErrorCode.UNAVAILABLE, detail, null, e);
            }
            return new ConnectorException(switch (status) {
                case 401 -> ErrorCode.AUTHENTICATION_FAILED;
                case 403 -> ErrorCode.PERMISSION_DENIED;
                case 404 -> ErrorCode.NOT_FOUND;
                default -> ErrorCode.INTERNAL;
            }, detail + (status == 403 ? " (the identity needs Storage Blob Data Contributor on the container)" : ""), e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.xml.stream.XMLStreamException) {
                return new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer is not the Blob service's XML: "
                        + JsonFields.clip(String.valueOf(t.getMessage()), 200), e);
            }
        }
        if (e instanceof ClientAuthenticationException) {
            return new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, what + ": Microsoft Entra refused the connector's credential", e);
        }
        return ConnectorException.retriable(ErrorCode.UNAVAILABLE, what + ": " + e.getClass().getSimpleName() + ": "
                + JsonFields.clip(String.valueOf(e.getMessage()), 200), null, e);
    }

    private static Duration seconds(String value) {
        try {
            return value == null ? Duration.ofSeconds(10) : Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(10);
        }
    }

    @Override
    public String toString() {
        return "BlobCheckpoints[" + container.getBlobContainerUrl() + "/" + prefix + "]";
    }
}
