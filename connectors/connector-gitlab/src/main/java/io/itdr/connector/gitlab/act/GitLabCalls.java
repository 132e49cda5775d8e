package io.itdr.connector.gitlab.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.connector.gitlab.GitLabApi;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.Secret;
import java.io.IOException;
import java.util.Objects;

/** The REST calls the actions make, as JSON. Thread-safe. */
final class GitLabCalls {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GitLabApi api;
    private final Secret token;

    GitLabCalls(GitLabApi api, Secret token) {
        this.api = Objects.requireNonNull(api, "api");
        this.token = Objects.requireNonNull(token, "token");
    }

    JsonNode get(String path) {
        String text = api.sendForText("GET", "/api/v4" + path, token::reveal, null);
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || !node.isObject()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET " + path + ": expected a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET " + path + ": the answer is not JSON");
        }
    }

    void change(String method, String path) {
        api.sendForText(method, "/api/v4" + path, token::reveal, null);
    }
}
