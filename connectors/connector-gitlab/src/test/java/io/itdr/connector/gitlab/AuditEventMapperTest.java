package io.itdr.connector.gitlab;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.connector.gitlab.normalize.AuditEventNormalizer;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.RawPayload;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Author kinds, as GitLab's bot users, service accounts and author classes name them. */
class AuditEventMapperTest {

    @Test
    void authorsAreNamedForWhatTheyAre() {
        List<IdentityEvent> events = normalize(String.join("\n",
                event(1, 77, "project_12_bot_3f2a", "User", "project_access_token_created"),
                event(2, 78, "group_4242_bot_1b2c", "User", "member_updated"),
                event(3, 79, "service_account_group_4242_6b1c", "User", "user_blocked"),
                event(4, 80, "deploy-token-ci", "Gitlab::Audit::DeployTokenAuthor", "repository_download_operation"),
                event(5, -1, "An unauthenticated user", "Gitlab::Audit::UnauthenticatedAuthor", "login_failed_with_standard_authentication"),
                event(6, 81, "Mona", "User", "project_archived")));
        assertThat(events).extracting(e -> e.identity().kind()).containsExactly("project_access_token", "group_access_token",
                "service_account", "deploy_token", "unauthenticated", "user");
        assertThat(events).extracting(IdentityEvent::category).containsExactly(EventCategory.CREDENTIAL_CHANGE,
                EventCategory.PRIVILEGE_CHANGE, EventCategory.IDENTITY_CHANGE, EventCategory.API_CALL, EventCategory.AUTHENTICATION,
                EventCategory.API_CALL);
        IdentityEvent first = events.get(0);
        assertThat(first.id()).isEqualTo("gitlab-audit-1");
        assertThat(first.identity().id()).isEqualTo("77");
        assertThat(first.source().ip()).isEqualTo("198.51.100.23");
        assertThat(first.target()).isEqualTo("ci-token");
    }

    private static String event(long id, long author, String name, String authorClass, String eventName) {
        return "{\"id\":" + id + ",\"author_id\":" + author + ",\"entity_id\":60,\"entity_type\":\"Group\",\"event_name\":\"" + eventName
                + "\",\"details\":{\"author_name\":\"" + name + "\",\"author_class\":\"" + authorClass + "\",\"target_details\":\"ci-token\","
                + "\"ip_address\":\"198.51.100.23\"},\"created_at\":\"2026-03-01T11:00:00.000Z\"}";
    }

    private static List<IdentityEvent> normalize(String body) {
        CollectingSink sink = new CollectingSink();
        new AuditEventNormalizer().normalize(new RawPayload("x.jsonl", null, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))), sink);
        assertThat(sink.rejections()).isEmpty();
        return sink.events();
    }
}
