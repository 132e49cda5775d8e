package io.itdr.connector.gcp.act;

import io.itdr.connector.gcp.GcpErrors;
import java.io.IOException;

/** Building a generated request can fail (its initializer reads credentials): mapped like a call's failure. */
final class Requests {
    interface Make<T> {
        T make() throws IOException;
    }

    private Requests() {
    }

    static <T> T make(Make<T> make) {
        try {
            return make.make();
        } catch (IOException e) {
            throw GcpErrors.map("preparing the request", e);
        }
    }
}
