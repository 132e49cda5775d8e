package io.itdr.connector.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class ExampleEventNormalizerTest {
    private static final String GRANT = "{\"id\":\"evt-9\",\"time\":\"2026-03-01T10:00:00Z\",\"type\":\"app.scope.granted\","
            + "\"appId\":\"app-1\",\"appName\":\"ci-deployer\",\"keyId\":\"key-1\",\"scope\":\"billing.write\","
            + "\"ip\":\"203.0.113.7\",\"userAgent\":\"deploy-bot/2.1\",\"outcome\":\"failure\"}";

    private final CollectingSink sink = new CollectingSink();

    @Test
    void mapsEveryFieldOfAnAuditEvent() {
        IdentityEvent e = ExampleEventNormalizer.event(Json.parseObject(GRANT), "here");
        assertThat(e.id()).isEqualTo("evt-9");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
        assertThat(e.platform()).isEqualTo("example");
        assertThat(e.identity().id()).isEqualTo("app-1");
        assertThat(e.identity().name()).isEqualTo("ci-deployer");
        assertThat(e.credential()).isEqualTo(new CredentialRef("key-1", "api_key"));
        assertThat(e.category()).isEqualTo(EventCategory.PRIVILEGE_CHANGE);
        assertThat(e.privilege().scopes()).containsExactly("billing.write");
        assertThat(e.privilege().granted()).isTrue();
        assertThat(e.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(e.source().ip()).isEqualTo("203.0.113.7");
        assertThat(e.source().userAgent()).isEqualTo("deploy-bot/2.1");
        assertThat(e.rawRef()).isEqualTo("here");
    }

    @Test
    void categoriesFollowTheDocumentedTypes() {
        assertThat(ExampleEventNormalizer.category("app.token.issued")).isEqualTo(EventCategory.AUTHENTICATION);
        assertThat(ExampleEventNormalizer.category("app.api.call")).isEqualTo(EventCategory.API_CALL);
        assertThat(ExampleEventNormalizer.category("app.key.deactivated")).isEqualTo(EventCategory.CREDENTIAL_CHANGE);
        assertThat(ExampleEventNormalizer.category("app.scope.revoked")).isEqualTo(EventCategory.PRIVILEGE_CHANGE);
        assertThat(ExampleEventNormalizer.category("app.disabled")).isEqualTo(EventCategory.IDENTITY_CHANGE);
        assertThat(ExampleEventNormalizer.category("org.billing.changed")).isEqualTo(EventCategory.OTHER);
    }

    @Test
    void gzipExportsReadLikePlainOnes() throws IOException {
        String ndjson = GRANT + "\n\n" + GRANT.replace("evt-9", "evt-10") + "\n";
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(ndjson.getBytes(StandardCharsets.UTF_8));
        }
        new ExampleEventNormalizer().normalize(payload("export.gz", zipped.toByteArray()), sink);
        assertThat(sink.events()).extracting(IdentityEvent::id).containsExactly("evt-9", "evt-10");
        assertThat(sink.rejections()).isEmpty();
    }

    @Test
    void aBadLineIsRejectedWithItsLineAndTheRestIsRead() {
        String ndjson = "not json\n" + GRANT.replace("\"appId\":\"app-1\",", "") + "\n" + GRANT + "\n";
        new ExampleEventNormalizer().normalize(payload("hook", ndjson.getBytes(StandardCharsets.UTF_8)), sink);
        assertThat(sink.events()).extracting(IdentityEvent::id).containsExactly("evt-9");
        assertThat(sink.rejections()).extracting(Rejection::location).containsExactly("hook:line 1", "hook:line 2");
        assertThat(sink.rejections().get(0).reason()).isEqualTo("unexpected literal at offset 0");
        assertThat(sink.rejections().get(1).reason()).isEqualTo("appId: missing");
    }

    private static RawPayload payload(String name, byte[] body) {
        return new RawPayload(name, null, new ByteArrayInputStream(body));
    }
}
