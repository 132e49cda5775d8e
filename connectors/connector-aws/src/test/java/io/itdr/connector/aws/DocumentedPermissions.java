package io.itdr.connector.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The IAM actions of {@code permissions.json} (beside the module's README), and the IAM action each
 * request the connector sends stands for, so a test can record what the connector really called
 * (from a simulation's request listener, which outlives the kit's resets) and fail when the
 * documented permissions do not allow it. Actions only: resources and conditions are for the
 * operator to narrow, as the README says.
 */
public final class DocumentedPermissions {
    static final Path FILE = Path.of("permissions.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DocumentedPermissions() {
    }

    /** The file, parsed. */
    static JsonNode file() {
        try {
            return JSON.readTree(FILE.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE.toAbsolutePath(), e);
        }
    }

    /** Every action the file allows: reading, acting, assuming, and the calls that need no permission. */
    static Set<String> allowed() {
        JsonNode file = file();
        Set<String> actions = new TreeSet<>();
        for (String document : new String[]{"reading", "acting", "assuming"}) {
            for (JsonNode statement : file.path(document).path("Statement")) {
                statement.path("Action").forEach(a -> actions.add(a.asText()));
            }
        }
        file.path("needsNoPermission").forEach(a -> actions.add(a.asText()));
        return actions;
    }

    /** Records the IAM action of every request {@code server} receives from now on, into {@code into}. */
    public static Set<String> record(WireMockServer server) {
        Set<String> into = new ConcurrentSkipListSet<>();
        server.addMockServiceRequestListener((request, response) -> into.add(action(request)));
        return into;
    }

    /** Fails naming each recorded action the file does not allow. */
    public static void assertAllowed(Collection<String> recorded) {
        assertThat(recorded).as("requests recorded").isNotEmpty();
        Set<String> allowed = allowed();
        assertThat(recorded).as("actions the connector called that " + FILE + " does not allow (add them, or stop calling them)")
                .allSatisfy(action -> assertThat(allowed).contains(action));
    }

    /**
     * The IAM action a request of the AWS SDK stands for: JSON protocols by {@code X-Amz-Target}
     * (CloudTrail, Secrets Manager, SQS), Query protocols by {@code Action} and {@code Version}
     * (IAM 2010-05-08, STS 2011-06-15), S3 by method and query. SQS batch calls are authorized by
     * their single action (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html).
     */
    static String action(Request request) {
        String target = request.getHeader("X-Amz-Target");
        if (target != null && !target.isEmpty()) {
            String operation = target.substring(target.lastIndexOf('.') + 1);
            if (target.startsWith("AmazonSQS.")) {
                return "sqs:" + operation.replace("Batch", "");
            }
            if (target.startsWith("com.amazonaws.cloudtrail.")) {
                return "cloudtrail:" + operation;
            }
            if (target.startsWith("secretsmanager.")) {
                return "secretsmanager:" + operation;
            }
            return "unmapped: " + target;
        }
        if (request.getMethod().getName().equals("POST")) {
            String body = request.getBodyAsString();
            String action = formValue(body, "Action");
            String version = formValue(body, "Version");
            if ("2010-05-08".equals(version)) {
                return "iam:" + action;
            }
            if ("2011-06-15".equals(version)) {
                return "sts:" + action;
            }
            return "unmapped: POST " + request.getUrl() + " Action=" + action + " Version=" + version;
        }
        if (request.getMethod().getName().equals("GET")) {
            return request.queryParameter("list-type").isPresent() ? "s3:ListBucket" : "s3:GetObject";
        }
        return "unmapped: " + request.getMethod() + " " + request.getUrl();
    }

    private static String formValue(String body, String name) {
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
