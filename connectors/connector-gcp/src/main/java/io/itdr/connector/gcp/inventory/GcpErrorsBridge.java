package io.itdr.connector.gcp.inventory;

import io.itdr.connector.gcp.GcpErrors;
import io.itdr.spi.ConnectorException;
import java.io.IOException;

/** Building a generated request can fail (its initializer reads credentials): mapped like a call's failure. */
final class GcpErrorsBridge {
    private GcpErrorsBridge() {
    }

    static ConnectorException map(IOException e) {
        return GcpErrors.map("preparing the request", e);
    }
}
