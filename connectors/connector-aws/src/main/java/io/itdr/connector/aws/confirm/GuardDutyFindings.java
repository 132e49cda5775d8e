package io.itdr.connector.aws.confirm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * GuardDuty's {@code GetFindings} (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetFindings.html):
 * {@code POST /detector/{detectorId}/findings/get} with {@code {"findingIds":[…]}}, answered
 * {@code {"findings":[…]}} (camelCase fields, as in
 * https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html). Signed with the SDK's
 * SigV4 signer (service {@code guardduty}) and sent over the connector's SDK HTTP client: the
 * GuardDuty service module of the SDK is not available to this build, so the one read-only call it
 * needs is made with the SDK's own signing and transport. Permission needed: {@code guardduty:GetFindings}.
 * Thread-safe.
 */
public final class GuardDutyFindings {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 4 * 1024 * 1024;

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final Optional<URI> endpoint;

    /** @param endpoint an override (a sandbox, a private endpoint); else {@code https://guardduty.<region>.amazonaws.com} */
    public GuardDutyFindings(SdkHttpClient http, AwsCredentialsProvider credentials, Optional<URI> endpoint) {
        this.http = Objects.requireNonNull(http, "http");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /**
     * The finding {@code findingId} of detector {@code detectorId} in {@code region}; empty when
     * GuardDuty answers without it.
     *
     * @throws ConnectorException THROTTLED/UNAVAILABLE (retriable), PERMISSION_DENIED, AUTHENTICATION_FAILED,
     *         NOT_FOUND (no such detector: GuardDuty answers 400 BadRequestException), TIMEOUT, MALFORMED_RESPONSE
     */
    public Optional<JsonNode> finding(String region, String detectorId, String findingId) {
        String where = "guardduty:GetFindings on detector " + detectorId + " finding " + findingId;
        URI base = endpoint.orElse(URI.create("https://guardduty." + region + ".amazonaws.com"));
        String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(JSON.createObjectNode().set("findingIds", JSON.createArrayNode().add(findingId)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(base)
                .encodedPath(basePath + "/detector/" + URLEncoder.encode(detectorId, StandardCharsets.UTF_8) + "/findings/get")
                .putHeader("Content-Type", "application/json").build();
        try {
            AwsCredentialsIdentity identity = credentials.resolveIdentity().join();
            SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(request)
                    .payload(ContentStreamProvider.fromByteArray(body))
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "guardduty"));
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
                    .contentStreamProvider(signed.payload().orElse(null)).build()).call();
            int status = response.httpResponse().statusCode();
            JsonNode answer = read(response, where);
            if (status / 100 != 2) {
                throw error(status, answer, where);
            }
            JsonNode findings = answer.get("findings");
            if (findings == null || !findings.isArray()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, where + ": the answer has no findings array");
            }
            for (JsonNode f : findings) {
                if (findingId.equals(f.path("id").asText(null))) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        } catch (ConnectorException e) {
            throw e;
        } catch (IOException | SdkException | java.util.concurrent.CompletionException e) {
            if (e instanceof java.net.SocketTimeoutException || e.getCause() instanceof java.net.SocketTimeoutException) {
                throw new ConnectorException(ErrorCode.TIMEOUT, where + ": no answer in time", e);
            }
            throw ConnectorException.retriable(ErrorCode.UNAVAILABLE, where + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), null, e);
        }
    }

    private static JsonNode read(HttpExecuteResponse response, String where) throws IOException {
        Optional<? extends InputStream> stream = response.responseBody();
        if (stream.isEmpty()) {
            return JSON.createObjectNode();
        }
        try (InputStream in = stream.get()) {
            byte[] bytes = in.readNBytes(MAX_BODY);
            if (bytes.length == 0) {
                return JSON.createObjectNode();
            }
            try {
                JsonNode node = JSON.readTree(bytes);
                return node == null ? JSON.createObjectNode() : node;
            } catch (IOException e) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, where + ": the answer is not JSON", e);
            }
        }
    }

    /** Errors per https://docs.aws.amazon.com/guardduty/latest/APIReference/CommonErrors.html and GetFindings' Errors. */
    private static ConnectorException error(int status, JsonNode answer, String where) {
        String type = answer.path("__type").asText("");
        String message = answer.path("message").asText(answer.path("Message").asText(""));
        String detail = where + ": HTTP " + status + (type.isEmpty() ? "" : " " + type) + (message.isEmpty() ? "" : ": " + message);
        return switch (status) {
            case 429 -> ConnectorException.retriable(ErrorCode.THROTTLED, detail, Duration.ofSeconds(1), null);
            case 401 -> new ConnectorException(ErrorCode.AUTHENTICATION_FAILED, detail);
            case 403 -> new ConnectorException(ErrorCode.PERMISSION_DENIED, detail);
            case 404 -> new ConnectorException(ErrorCode.NOT_FOUND, detail);
            case 400 -> new ConnectorException(ErrorCode.NOT_FOUND, detail); // BadRequestException: e.g. no such detector
            default -> status >= 500 ? ConnectorException.retriable(ErrorCode.UNAVAILABLE, detail, null, null)
                    : new ConnectorException(ErrorCode.UNAVAILABLE, detail);
        };
    }
}
