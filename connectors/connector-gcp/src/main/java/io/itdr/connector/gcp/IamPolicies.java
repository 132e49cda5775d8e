package io.itdr.connector.gcp;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.json.JsonObjectParser;
import com.google.api.client.json.gson.GsonFactory;
import com.google.api.client.json.GenericJson;
import com.google.api.client.http.json.JsonHttpContent;
import com.google.api.services.cloudresourcemanager.model.Ancestor;
import com.google.api.services.cloudresourcemanager.model.GetAncestryRequest;
import com.google.api.services.cloudresourcemanager.model.GetAncestryResponse;
import com.google.api.services.cloudresourcemanager.model.GetIamPolicyRequest;
import com.google.api.services.cloudresourcemanager.model.GetPolicyOptions;
import com.google.api.services.cloudresourcemanager.model.Policy;
import com.google.api.services.cloudresourcemanager.model.SetIamPolicyRequest;
import io.itdr.connector.support.JsonFields;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The IAM policies of the resources a project sits in: the project itself, its folders (nearest first) and
 * its organization. Resource names are {@code projects/P}, {@code folders/N}, {@code organizations/N}.
 * <ul>
 *   <li>the ancestry: Resource Manager v1 {@code projects.getAncestry}
 *       (https://cloud.google.com/resource-manager/reference/rest/v1/projects/getAncestry), the project first,
 *       the organization last;</li>
 *   <li>projects and organizations: v1 {@code getIamPolicy} / {@code setIamPolicy}
 *       (https://cloud.google.com/resource-manager/reference/rest/v1/organizations/getIamPolicy, …/setIamPolicy);</li>
 *   <li>folders: v3 {@code folders.getIamPolicy} / {@code setIamPolicy}
 *       (https://cloud.google.com/resource-manager/reference/rest/v3/folders/getIamPolicy, …/setIamPolicy), which v1
 *       does not have; called over the same transport and credentials, the request and answer being the same
 *       {@code GetIamPolicyRequest}, {@code SetIamPolicyRequest} and {@code Policy} as v1's.</li>
 * </ul>
 * Policies are read at version 3 (https://cloud.google.com/iam/docs/policies#specifying-version-get), so conditional
 * bindings come back whole. A set carries the etag of the read it edits: a concurrent change answers 409 ABORTED
 * (https://cloud.google.com/iam/docs/policies#etag), surfacing as {@link ErrorCode#CONFLICT}. Stateless; thread-safe.
 */
public final class IamPolicies {
    public static final int POLICY_VERSION = 3;
    private static final String DEFAULT_ROOT = "https://cloudresourcemanager.googleapis.com/";
    private final GcpClients clients;

    public IamPolicies(GcpClients clients) {
        this.clients = Objects.requireNonNull(clients, "clients");
    }

    /** The folders (nearest first) and the organization above {@code project}; empty for a project without a parent. */
    public List<String> ancestors(String project) {
        GetAncestryResponse answer = clients.execute("projects.getAncestry " + project,
                make(() -> clients.resourceManager().projects().getAncestry(project, new GetAncestryRequest())));
        List<String> above = new ArrayList<>();
        if (answer.getAncestor() == null) {
            return above;
        }
        for (Ancestor a : answer.getAncestor()) {
            if (a == null || a.getResourceId() == null || a.getResourceId().getType() == null || a.getResourceId().getId() == null) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "projects.getAncestry " + project
                        + ": an ancestor without resourceId.type and resourceId.id");
            }
            switch (a.getResourceId().getType()) {
                case "project" -> {
                    // the project itself comes first
                }
                case "folder" -> above.add("folders/" + a.getResourceId().getId());
                case "organization" -> above.add("organizations/" + a.getResourceId().getId());
                default -> throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "projects.getAncestry " + project
                        + ": unknown ancestor type '" + JsonFields.clip(a.getResourceId().getType(), 40) + "'");
            }
        }
        return above;
    }

    /** The policy of {@code resource} ({@code projects/P}, {@code folders/N}, {@code organizations/N}). */
    public Policy read(String resource) {
        GetIamPolicyRequest body = new GetIamPolicyRequest().setOptions(new GetPolicyOptions().setRequestedPolicyVersion(POLICY_VERSION));
        String what = kind(resource) + ".getIamPolicy " + resource;
        return switch (kind(resource)) {
            case "projects" -> clients.execute(what, make(() -> clients.resourceManager().projects().getIamPolicy(id(resource), body)));
            case "organizations" -> clients.execute(what, make(() -> clients.resourceManager().organizations().getIamPolicy(resource, body)));
            default -> v3(what, resource + ":getIamPolicy", body);
        };
    }

    /** Writes {@code policy} (carrying the etag it was read with) to {@code resource}; CONFLICT when it changed since. */
    public void write(String resource, Policy policy) {
        policy.setVersion(POLICY_VERSION);
        SetIamPolicyRequest body = new SetIamPolicyRequest().setPolicy(policy);
        String what = kind(resource) + ".setIamPolicy " + resource;
        switch (kind(resource)) {
            case "projects" -> clients.execute(what, make(() -> clients.resourceManager().projects().setIamPolicy(id(resource), body)));
            case "organizations" -> clients.execute(what, make(() -> clients.resourceManager().organizations().setIamPolicy(resource, body)));
            default -> v3(what, resource + ":setIamPolicy", body);
        }
    }

    private Policy v3(String what, String path, GenericJson body) {
        HttpResponse response;
        try {
            HttpRequest request = clients.requests().buildPostRequest(new GenericUrl(clients.root("cloudresourcemanager", DEFAULT_ROOT) + "v3/" + path),
                    new JsonHttpContent(GsonFactory.getDefaultInstance(), body));
            request.setParser(new JsonObjectParser(GsonFactory.getDefaultInstance()));
            response = request.execute();
        } catch (IOException e) {
            throw GcpErrors.map(what, e);
        }
        try {
            return response.parseAs(Policy.class);
        } catch (java.net.SocketTimeoutException e) {
            throw GcpErrors.map(what, e);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer is not the documented resource: "
                    + e.getClass().getSimpleName() + ": " + JsonFields.clip(e.getMessage(), 160), e);
        } finally {
            try {
                response.disconnect();
            } catch (IOException e) {
                // the body was read or abandoned
            }
        }
    }

    private static String kind(String resource) {
        int slash = resource.indexOf('/');
        String kind = slash < 0 ? "" : resource.substring(0, slash);
        if (!kind.equals("projects") && !kind.equals("folders") && !kind.equals("organizations") || slash == resource.length() - 1) {
            throw new IllegalArgumentException("not a project, folder or organization: " + resource);
        }
        return kind;
    }

    private static String id(String resource) {
        return resource.substring(resource.indexOf('/') + 1);
    }

    private interface Make<T> {
        T make() throws IOException;
    }

    private static <T> T make(Make<T> make) {
        try {
            return make.make();
        } catch (IOException e) {
            throw GcpErrors.map("preparing the request", e);
        }
    }

    @Override
    public String toString() {
        return "IamPolicies";
    }
}
