package io.itdr.connector.gcp.act;

import io.itdr.connector.support.ActionTargets;
import io.itdr.spi.action.ActionRequest;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reading a service account target: its email (as IAM names accounts in {@code projects/-/serviceAccounts/{email}}). */
final class ServiceAccounts {
    private static final Pattern EMAIL = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}@[a-z0-9.-]+\\.gserviceaccount\\.com");

    private ServiceAccounts() {
    }

    static String email(String connectorId, ActionRequest request) {
        return ActionTargets.identity(connectorId, request,
                id -> EMAIL.matcher(id).matches() ? Optional.of(id) : Optional.empty(),
                "service accounts named by their email (name@project.iam.gserviceaccount.com)");
    }

    /** {@code projects/-/serviceAccounts/{email}}: IAM finds the project itself. */
    static String resource(String email) {
        return "projects/-/serviceAccounts/" + email;
    }
}
