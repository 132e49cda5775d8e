package io.itdr.connector.aws.act;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A stateful stand-in for the AWS Secrets Manager JSON 1.1 API on WireMock: {@code POST /} with
 * {@code X-Amz-Target: secretsmanager.<Operation>} and a JSON body, answered from an in-memory set
 * of secrets with versions and staging labels. Errors are {@code HTTP 400 {"__type": code, "Message": ...}}
 * (https://docs.aws.amazon.com/secretsmanager/latest/apireference/CommonErrors.html).
 *
 * <p>Thread-safe enough for tests: the model is synchronized on this object.
 */
public final class SecretsManagerSandbox implements ResponseDefinitionTransformerV2 {
    static final String NAME = "secretsmanager-sandbox";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One secret: version id → value as put, staging label → version id. */
    public static final class Secret {
        public final String arn;
        public final Map<String, String> versions = new LinkedHashMap<>();
        public final Map<String, String> stages = new LinkedHashMap<>();

        Secret(String arn) {
            this.arn = arn;
        }

        /** The version AWSCURRENT is attached to, or null. */
        public String current() {
            return stages.get("AWSCURRENT");
        }
    }

    /** A PutSecretValue as received: the secret it named, its token, the value. */
    public record Put(String secretId, String clientRequestToken, String secretString) {
    }

    public final Map<String, Secret> secrets = new LinkedHashMap<>();
    public final List<Put> puts = new ArrayList<>();
    public final OneShotHooks hooks = new OneShotHooks();

    /** Adds a secret with one version under AWSCURRENT (value {@code value}); returns it. */
    public synchronized Secret addSecret(String arn, String versionId, String value) {
        Secret secret = new Secret(arn);
        if (versionId != null) {
            secret.versions.put(versionId, value);
            secret.stages.put("AWSCURRENT", versionId);
        }
        secrets.put(arn, secret);
        return secret;
    }

    /** Removes every secret and forgets every PutSecretValue received. */
    public synchronized void clear() {
        secrets.clear();
        puts.clear();
    }

    /**
     * What the console shows of one secret, flattened: each staging label's version
     * ({@code secret/<arn>/<label>} → version id) and the access key id that version holds
     * ({@code secret/<arn>/<label>/AccessKeyId}), never the secret value itself. Empty for an unknown secret.
     */
    public synchronized Map<String, String> state(String arn) {
        Map<String, String> state = new TreeMap<>();
        Secret secret = secrets.get(arn);
        if (secret != null) {
            secret.stages.forEach((stage, version) -> {
                state.put("secret/" + arn + "/" + stage, version);
                state.put("secret/" + arn + "/" + stage + "/AccessKeyId", accessKeyId(secret.versions.get(version)));
            });
        }
        return state;
    }

    private static String accessKeyId(String value) {
        try {
            return JSON.readTree(value).path("AccessKeyId").asText("(none)");
        } catch (IOException e) {
            return "(not JSON)";
        }
    }

    /** Registers one stub per supported operation, each citing its API reference page. */
    public void stubActions(WireMockServer server) {
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
        stub(server, "PutSecretValue");
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html
        stub(server, "DescribeSecret");
        // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
        stub(server, "UpdateSecretVersionStage");
    }

    private static void stub(WireMockServer server, String operation) {
        server.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("secretsmanager." + operation))
                .willReturn(aResponse().withTransformers(NAME)));
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        String target = serveEvent.getRequest().getHeader("X-Amz-Target");
        String operation = target.substring(target.indexOf('.') + 1);
        JsonNode body;
        try {
            body = JSON.readTree(serveEvent.getRequest().getBodyAsString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        synchronized (this) {
            return hooks.apply(operation, answer(operation, body));
        }
    }

    private ResponseDefinition answer(String operation, JsonNode body) {
        Secret secret = find(body.path("SecretId").asText());
        if (secret == null) {
            return error("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
        }
        ObjectNode out = JSON.createObjectNode().put("ARN", secret.arn).put("Name", name(secret.arn));
        switch (operation) {
            case "PutSecretValue": {
                String token = body.path("ClientRequestToken").asText();
                String value = body.path("SecretString").asText();
                puts.add(new Put(body.path("SecretId").asText(), token, value));
                if (secret.versions.containsKey(token)) {
                    if (!secret.versions.get(token).equals(value)) {
                        return error("ResourceExistsException", "A resource with the ID you requested already exists.");
                    }
                } else {
                    secret.versions.put(token, value);
                    move(secret, "AWSCURRENT", token);
                }
                out.put("VersionId", token).putArray("VersionStages").add("AWSCURRENT");
                return ok(out);
            }
            case "DescribeSecret": {
                ObjectNode stages = out.putObject("VersionIdsToStages");
                secret.stages.forEach((stage, version) -> {
                    ArrayNode labels = stages.has(version) ? (ArrayNode) stages.get(version) : stages.putArray(version);
                    labels.add(stage);
                });
                return ok(out);
            }
            case "UpdateSecretVersionStage": {
                String stage = body.path("VersionStage").asText();
                String to = body.path("MoveToVersionId").asText(null);
                String from = body.path("RemoveFromVersionId").asText(null);
                String holder = secret.stages.get(stage);
                if (holder != null && !holder.equals(to) && !Objects.equals(holder, from)) {
                    return error("InvalidParameterException", "The staging label " + stage + " is attached to version " + holder
                            + "; name it in RemoveFromVersionId.");
                }
                if (to != null && !secret.versions.containsKey(to)) {
                    return error("ResourceNotFoundException", "Version " + to + " not found.");
                }
                if (to == null) {
                    secret.stages.remove(stage);
                } else {
                    move(secret, stage, to);
                }
                return ok(out);
            }
            default:
                return error("InvalidAction", "unknown operation " + operation);
        }
    }

    /** Moves a label; moving AWSCURRENT moves AWSPREVIOUS to the version it left, as Secrets Manager does. */
    private static void move(Secret secret, String stage, String version) {
        String left = secret.stages.put(stage, version);
        if (stage.equals("AWSCURRENT") && left != null && !left.equals(version)) {
            secret.stages.put("AWSPREVIOUS", left);
        }
    }

    private Secret find(String id) {
        for (Secret s : secrets.values()) {
            if (s.arn.equals(id) || name(s.arn).equals(id)) {
                return s;
            }
        }
        return null;
    }

    /** The name in {@code arn:aws:secretsmanager:region:account:secret:name-AbCdEf}, without the 6-character suffix. */
    private static String name(String arn) {
        String resource = arn.substring(arn.indexOf(":secret:") + ":secret:".length());
        return resource.length() > 7 && resource.charAt(resource.length() - 7) == '-' ? resource.substring(0, resource.length() - 7) : resource;
    }

    private static ResponseDefinition ok(ObjectNode body) {
        return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody(body.toString()).build();
    }

    static ResponseDefinition error(String type, String message) {
        return new ResponseDefinitionBuilder().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                .withBody(errorJson(type, message)).build();
    }

    /** The JSON 1.1 error document. */
    public static String errorJson(String type, String message) {
        return JSON.createObjectNode().put("__type", type).put("Message", message).toString();
    }
}
