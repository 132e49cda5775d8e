package io.itdr.connector.github.act;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.connector.github.GitHubApi;
import io.itdr.connector.github.GitHubLibrary;
import io.itdr.connector.github.GitHubSignIn;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * The calls the actions make: through github-api ({@link #library}) where it has the method, else as JSON over the
 * JDK client ({@link #find}, {@link #change}: fine-grained token grants), with 404 read as "not there". Thread-safe.
 */
final class GitHubOrg {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GitHubApi api;
    private final GitHubSignIn signIn;
    final GitHubLibrary library;
    final String org;

    GitHubOrg(GitHubApi api, GitHubSignIn signIn, GitHubLibrary library, String org) {
        this.api = Objects.requireNonNull(api, "api");
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.library = Objects.requireNonNull(library, "library");
        this.org = Objects.requireNonNull(org, "org");
    }

    /** {@code GET path}: the JSON answer, or empty on 404. */
    Optional<JsonNode> find(String path) {
        try {
            return Optional.of(parse("GET", path, api.sendForText("GET", path, signIn::authorization, null)));
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** A mutating call; returns the answer's JSON, or null for an empty answer (204). */
    JsonNode change(String method, String path, String body) {
        String text = api.sendForText(method, path, signIn::authorization, body);
        return text.isBlank() ? null : parse(method, path, text);
    }

    /** A call signed as another GitHub App ({@code jwt} gives its {@code Authorization}); the answer's text. */
    String asApp(String method, String path, java.util.function.Supplier<String> jwt, String body) {
        return api.sendForText(method, path, jwt, body);
    }

    static String enc(String value) {
        return GitHubApi.encode(value);
    }

    private static JsonNode parse(String method, String path, String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, method + " " + path + ": empty answer");
            }
            return node;
        } catch (IOException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, method + " " + path + ": the answer is not JSON");
        }
    }

    static String json(String text) {
        return JSON.getNodeFactory().textNode(text).toString();
    }
}
