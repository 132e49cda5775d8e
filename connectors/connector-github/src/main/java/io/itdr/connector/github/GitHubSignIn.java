package io.itdr.connector.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.config.Secret;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Objects;

/**
 * The {@code Authorization} header of every call: the configured token ({@code Bearer <token>}), or,
 * for a GitHub App, an installation access token bought with a JWT the app's private key signs:
 * <ol>
 *   <li>the JWT: RS256, {@code iat} 60 s in the past (clock drift), {@code exp} 9 minutes on (GitHub allows
 *       at most 10), {@code iss} the app id or client id
 *       (https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app);</li>
 *   <li>the installation: {@code installation-id}, or {@code GET /orgs/{org}/installation} with the JWT
 *       (https://docs.github.com/en/rest/apps/apps#get-an-organization-installation-for-the-authenticated-app);</li>
 *   <li>the token: {@code POST /app/installations/{id}/access_tokens} with the JWT, answered 201
 *       {@code {"token":…,"expires_at":…}} (https://docs.github.com/en/rest/apps/apps#create-an-installation-access-token-for-an-app);
 *       kept until 5 minutes before it expires (GitHub issues them for an hour).</li>
 * </ol>
 * The key and the tokens stay in this object: never in a message, a log line or {@link #toString()}.
 * Thread-safe: the cached token is replaced under a lock.
 */
public final class GitHubSignIn {
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GitHubSettings settings;
    private final GitHubApi api;
    private final Clock clock;
    private PrivateKey key;
    private String installationId;
    private String token;
    private Instant expires;

    public GitHubSignIn(GitHubSettings settings, GitHubApi api, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.api = Objects.requireNonNull(api, "api");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.installationId = settings.installationId();
    }

    /** The header value for the next call; in app mode, may first buy an installation token. */
    public String authorization() {
        if (!settings.appMode()) {
            return "Bearer " + settings.token().reveal();
        }
        return "Bearer " + installationToken();
    }

    /** Forgets the installation token, e.g. after GitHub refused it. */
    public synchronized void forget() {
        token = null;
        expires = null;
    }

    private synchronized String installationToken() {
        Instant now = clock.instant();
        if (token != null && now.isBefore(expires.minus(RENEW_BEFORE))) {
            return token;
        }
        String jwt = "Bearer " + jwt(now);
        if (installationId == null) {
            JsonNode installation = parse(api.sendForText("GET", "/orgs/" + GitHubApi.encode(settings.org()) + "/installation",
                    () -> jwt, null), "GET /orgs/{org}/installation");
            JsonNode id = installation.get("id");
            if (id == null || !id.canConvertToLong()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET /orgs/{org}/installation: no numeric 'id' in the answer");
            }
            installationId = id.asText();
        }
        String call = "POST /app/installations/{installation_id}/access_tokens";
        JsonNode answer = parse(api.sendForText("POST", "/app/installations/" + installationId + "/access_tokens", () -> jwt, "{}"), call);
        JsonNode value = answer.get("token");
        JsonNode expiresAt = answer.get("expires_at");
        if (value == null || !value.isTextual() || value.textValue().isBlank() || expiresAt == null || !expiresAt.isTextual()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, call + ": expected 'token' and 'expires_at' in the answer");
        }
        try {
            expires = Instant.parse(expiresAt.textValue());
        } catch (DateTimeParseException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, call + ": 'expires_at' is not a time");
        }
        token = value.textValue();
        return token;
    }

    /** A JWT for the app, signed with its key. */
    String jwt(Instant now) {
        return appJwt(settings.appId(), key(), now);
    }

    /**
     * A JWT for the GitHub App {@code appId}, signed with its {@code key}: RS256, {@code iat} 60 s back, {@code exp} 9 minutes on.
     * Also for an app other than the one the connector signs in as (an installation is suspended with its own app's JWT).
     */
    public static String appJwt(String appId, PrivateKey key, Instant now) {
        String header = base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String claims = base64Url("{\"iat\":" + (now.getEpochSecond() - 60) + ",\"exp\":" + (now.getEpochSecond() + 540)
                + ",\"iss\":\"" + appId + "\"}");
        String signed = header + "." + claims;
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'github': private-key: "
                    + "cannot sign a JWT with it (" + e.getClass().getSimpleName() + ")");
        }
    }

    private synchronized PrivateKey key() {
        if (key == null) {
            key = readKey(settings.privateKey());
        }
        return key;
    }

    /** An RSA key in PEM: PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, as GitHub downloads it) or PKCS#8. */
    public static PrivateKey readKey(Secret pem) {
        String text = pem.reveal();
        boolean pkcs1 = text.contains("-----BEGIN RSA PRIVATE KEY-----");
        String body = text.substring(text.indexOf("-----BEGIN")).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(body);
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? pkcs8(der) : der));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            // never quote the key
            throw new ConnectorException(ErrorCode.CONFIG_INVALID, "Invalid configuration for connector 'github': private-key: "
                    + "not a readable RSA private key (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (RFC 5208): version 0, rsaEncryption, the key. */
    private static byte[] pkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        inner.writeBytes(new byte[] {0x02, 0x01, 0x00});
        inner.writeBytes(algorithm);
        inner.write(0x04);
        inner.writeBytes(length(pkcs1.length));
        inner.writeBytes(pkcs1);
        ByteArrayOutputStream outer = new ByteArrayOutputStream();
        outer.write(0x30);
        outer.writeBytes(length(inner.size()));
        outer.writeBytes(inner.toByteArray());
        return outer.toByteArray();
    }

    private static byte[] length(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode parse(String body, String call) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, call + ": expected a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, call + ": the answer is not JSON");
        }
    }

    @Override
    public String toString() {
        return "GitHubSignIn[" + (settings.appMode() ? "GitHub App " + settings.appId() + ", installation "
                + (installationId == null ? "(to look up)" : installationId) : "token") + " (****)]";
    }
}
