package io.itdr.connector.azure.telemetry;

import com.azure.core.credential.TokenCredential;

/** Makes the Event Hubs path's SDK-backed parts from the settings; building them connects to nothing. */
public final class EventHubs {
    private EventHubs() {
    }

    /** The hub's partitions through the Azure Event Hubs client, signed in with {@code credential}. */
    public static HubPartitions partitions(EventHubSettings settings, TokenCredential credential) {
        return new SdkHubPartitions(settings, credential);
    }

    /** The checkpoint container's blobs, or {@link HubCheckpoints#NONE} when none is configured. */
    public static HubCheckpoints checkpoints(EventHubSettings settings, TokenCredential credential) {
        return settings.checkpointContainer() == null ? HubCheckpoints.NONE : BlobCheckpoints.of(settings, credential);
    }
}
