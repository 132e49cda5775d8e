package io.itdr.connector.gcp.normalize;

import io.itdr.spi.event.EventCategory;
import java.util.Locale;
import java.util.Set;

/**
 * What kind of identity activity an audit log's {@code methodName} is. Method names come in
 * several spellings across services: fully qualified gRPC names
 * ({@code google.iam.admin.v1.CreateServiceAccountKey}), REST-style names
 * ({@code v1.compute.instances.insert}, {@code SetIamPolicy}) and Kubernetes verbs
 * ({@code io.k8s.core.v1.pods.create}); the last dot-separated segment, case aside, decides.
 * Stateless.
 */
final class MethodKinds {
    /** Token minting for another service account: IAM Service Account Credentials API and STS. */
    private static final Set<String> AUTHENTICATION = Set.of("generateaccesstoken", "generateidtoken", "signblob", "signjwt",
            "exchangetoken", "generateidentitybindingaccesstoken");
    /** Policy and role changes (https://cloud.google.com/iam/docs/audit-logging#audited_operations). */
    private static final Set<String> PRIVILEGE = Set.of("setiampolicy", "createrole", "updaterole", "deleterole", "undeleterole",
            "setorgpolicy", "createpolicy", "updatepolicy", "deletepolicy");
    /** Service account keys (https://cloud.google.com/iam/docs/audit-logging/examples-service-accounts). */
    private static final Set<String> CREDENTIAL = Set.of("createserviceaccountkey", "uploadserviceaccountkey", "deleteserviceaccountkey",
            "disableserviceaccountkey", "enableserviceaccountkey", "createhmackey", "updatehmackey", "deletehmackey");
    private static final Set<String> IDENTITY = Set.of("createserviceaccount", "deleteserviceaccount", "disableserviceaccount",
            "enableserviceaccount", "undeleteserviceaccount", "patchserviceaccount", "updateserviceaccount",
            "createworkloadidentitypool", "deleteworkloadidentitypool", "createworkloadidentitypoolprovider",
            "updateworkloadidentitypoolprovider", "deleteworkloadidentitypoolprovider");

    private MethodKinds() {
    }

    /** The last segment of a method name, lower-case: {@code google.iam.admin.v1.CreateServiceAccountKey} → {@code createserviceaccountkey}. */
    static String verb(String methodName) {
        int dot = methodName.lastIndexOf('.');
        return methodName.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static EventCategory category(String methodName) {
        String verb = verb(methodName);
        if (AUTHENTICATION.contains(verb)) {
            return EventCategory.AUTHENTICATION;
        }
        if (PRIVILEGE.contains(verb)) {
            return EventCategory.PRIVILEGE_CHANGE;
        }
        if (CREDENTIAL.contains(verb)) {
            return EventCategory.CREDENTIAL_CHANGE;
        }
        return IDENTITY.contains(verb) ? EventCategory.IDENTITY_CHANGE : EventCategory.API_CALL;
    }
}
