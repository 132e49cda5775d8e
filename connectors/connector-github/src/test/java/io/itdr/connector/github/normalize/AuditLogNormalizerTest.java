package io.itdr.connector.github.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.fixture.github.AuditLogRecords;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class AuditLogNormalizerTest {
    private static final Instant AT = Instant.parse("2026-03-01T11:00:00.123Z");
    private final AuditLogNormalizer normalizer = new AuditLogNormalizer();

    @Test
    void anAppInstallationTokenIsTheAppWithItsTokenHashAsCredential() {
        String record = AuditLogRecords.appClone("doc-1", AT, "Acme-Inc", "deploy-bot", "crown-jewels", "0771cae4d170dc02a6ff393d9946cd684d6145c1=",
                "203.0.113.7");
        IdentityEvent e = only(normalize("page.json", "[" + record + "]"));
        assertThat(e.id()).isEqualTo("doc-1");
        assertThat(e.time()).isEqualTo(AT);
        assertThat(e.platform()).isEqualTo("github");
        assertThat(e.tenant()).isEqualTo("acme-inc");
        assertThat(e.identity().id()).isEqualTo("deploy-bot[bot]");
        assertThat(e.identity().kind()).isEqualTo("github_app");
        assertThat(e.credential().id()).isEqualTo("sha256:0771cae4d170dc02a6ff393d9946cd684d6145c1=");
        assertThat(e.credential().kind()).isEqualTo("github_app");
        assertThat(e.session().tokenId()).isEqualTo(e.credential().id());
        assertThat(e.source().ip()).isEqualTo("203.0.113.7");
        assertThat(e.source().geo().country()).isEqualTo("US");
        assertThat(e.source().userAgent()).isEqualTo("git/2.43.0");
        assertThat(e.action()).isEqualTo("git.clone");
        assertThat(e.category()).isEqualTo(EventCategory.API_CALL);
        assertThat(e.attributes()).containsEntry("repo", "Acme-Inc/crown-jewels")
                .containsEntry("programmatic_access_type", "GitHub App server-to-server token");
    }

    @Test
    void aFineGrainedTokenIsNamedByItsTokenId() {
        String record = AuditLogRecords.patRepoChange("doc-2", AT, "acme-inc", "octocat", "infra", 4242L, "aGFzaA==", "198.51.100.9", "br");
        IdentityEvent e = only(normalize("page.json", "[" + record + "]"));
        assertThat(e.identity().id()).isEqualTo("octocat");
        assertThat(e.identity().kind()).isEqualTo("fine_grained_pat");
        assertThat(e.credential().id()).isEqualTo("4242");
        assertThat(e.credential().kind()).isEqualTo("fine_grained_pat");
        assertThat(e.source().geo().country()).isEqualTo("BR");
        assertThat(e.category()).isEqualTo(EventCategory.PRIVILEGE_CHANGE);
    }

    @Test
    void actorKindsFollowTheAccessTypeThenTheLogin() {
        assertThat(AuditEventMapper.accessKind("OAuth access token")).isEqualTo("oauth_token");
        assertThat(AuditEventMapper.accessKind("Personal access token (classic)")).isEqualTo("personal_access_token");
        assertThat(AuditEventMapper.accessKind("GitHub App user-to-server token")).isEqualTo("github_app_user_token");
        assertThat(AuditEventMapper.accessKind("Deploy key")).isEqualTo("deploy_key");
        assertThat(AuditEventMapper.accessKind("SSH key")).isEqualTo("ssh_key");
        assertThat(AuditEventMapper.accessKind("something new")).isNull();
        List<IdentityEvent> events = normalize("lines.jsonl", String.join("\n",
                "{\"_document_id\":\"a\",\"@timestamp\":1772362800000,\"action\":\"git.push\",\"actor\":\"github-actions[bot]\",\"org\":\"o\"}",
                "{\"_document_id\":\"b\",\"@timestamp\":1772362800000,\"action\":\"git.push\",\"actor\":\"dependabot[bot]\",\"org\":\"o\"}",
                "{\"_document_id\":\"c\",\"@timestamp\":1772362800000,\"action\":\"repo.create\",\"actor\":\"robot\",\"actor_is_bot\":true,\"org\":\"o\"}",
                "{\"_document_id\":\"d\",\"@timestamp\":1772362800000,\"action\":\"repo.create\",\"actor\":\"mona\",\"org\":\"o\"}",
                "{\"_document_id\":\"e\",\"@timestamp\":1772362800000,\"action\":\"git.clone\",\"actor\":\"mona\",\"org\":\"o\","
                        + "\"programmatic_access_type\":\"Deploy key\",\"hashed_token\":\"SGFzaA==\"}"));
        assertThat(events).extracting(e -> e.identity().kind()).containsExactly("workflow", "bot", "bot", "user", "deploy_key");
        assertThat(events.get(4).credential().id()).isEqualTo("sha256:SGFzaA==");
    }

    @Test
    void secretScanningAlertsAndPushProtectionBypassesArePlatformFindings() {
        List<IdentityEvent> events = normalize("lines.jsonl", String.join("\n",
                "{\"action\":\"secret_scanning_alert.create\",\"actor\":\"github\",\"created_at\":1697653252209,\"number\":12,"
                        + "\"org\":\"acme-inc\",\"repo\":\"acme-inc/crown-jewels\"}",
                "{\"_document_id\":\"p\",\"action\":\"secret_scanning_push_protection.bypass\",\"actor\":\"mona\","
                        + "\"@timestamp\":1697653252209,\"org\":\"acme-inc\",\"repo\":\"acme-inc/infra\"}"));
        assertThat(events).extracting(IdentityEvent::category).containsOnly(EventCategory.PLATFORM_FINDING);
        IdentityEvent alert = events.get(0);
        assertThat(alert.identity().id()).isEqualTo("acme-inc/crown-jewels");
        assertThat(alert.identity().kind()).isEqualTo("repository");
        assertThat(alert.finding().type()).isEqualTo("github.secret_scanning_alert");
        assertThat(alert.finding().description()).contains("acme-inc/crown-jewels #12");
        assertThat(alert.id()).as("a record without _document_id gets a digest of itself").startsWith("sha256:");
        assertThat(normalize("again.jsonl", "{\"action\":\"secret_scanning_alert.create\",\"actor\":\"github\",\"created_at\":1697653252209,"
                + "\"number\":12,\"org\":\"acme-inc\",\"repo\":\"acme-inc/crown-jewels\"}").get(0).id())
                .as("the digest is stable across re-reads").isEqualTo(alert.id());
        IdentityEvent bypass = events.get(1);
        assertThat(bypass.identity().id()).isEqualTo("mona");
        assertThat(bypass.finding().type()).isEqualTo("github.secret_scanning_push_protection_bypass");
    }

    @Test
    void aWorkflowRunIsAttributedToItsWorkload() {
        IdentityEvent e = only(normalize("lines.jsonl", "{\"@timestamp\":1675191507638,\"_document_id\":\"w\",\"action\":"
                + "\"workflows.completed_workflow_run\",\"actor\":\"mona\",\"conclusion\":\"failure\",\"name\":\"deploy\","
                + "\"org\":\"acme\",\"repo\":\"acme/app\",\"workflow_id\":44444444,\"workflow_run_id\":5555555555}"));
        assertThat(e.workload().id()).isEqualTo("acme/app:workflow:44444444");
        assertThat(e.workload().kind()).isEqualTo("ci_job");
        assertThat(e.workload().name()).isEqualTo("deploy");
        assertThat(e.attributes()).containsEntry("conclusion", "failure").containsEntry("workflow_run_id", "5555555555");
    }

    @Test
    void aStreamedFileIsGzipJsonLinesAndABrokenLineIsOneRejection() throws IOException {
        String lines = AuditLogRecords.appClone("s-1", AT, "acme", "bot", "r", "aA==", "203.0.113.1") + "\n"
                + "{\"_document_id\":\"s-2\",\"action\":\"git.clone\n"
                + "{\"_document_id\":\"s-3\",\"@timestamp\":\"not-a-time\",\"action\":\"git.clone\",\"actor\":\"x\"}\n"
                + "{\"_document_id\":\"s-4\",\"@timestamp\":1772362800000,\"action\":\"git.clone\"}\n"
                + AuditLogRecords.appClone("s-5", AT.plusSeconds(1), "acme", "bot", "r", "aA==", "203.0.113.1") + "\n";
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(lines.getBytes(StandardCharsets.UTF_8));
        }
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(new RawPayload("2026/03/01/11/00/stream.json.gz", null, new ByteArrayInputStream(gz.toByteArray())), sink);
        assertThat(sink.events()).extracting(IdentityEvent::id).containsExactly("s-1", "s-5");
        assertThat(sink.rejections()).extracting(Rejection::location).containsExactly(
                "2026/03/01/11/00/stream.json.gz:record 2, line 2",
                "2026/03/01/11/00/stream.json.gz:record 3, line 3, id s-3",
                "2026/03/01/11/00/stream.json.gz:record 4, line 4, id s-4");
        assertThat(sink.rejections().get(1).reason()).contains("@timestamp: not a time").contains("'not-a-time'");
        assertThat(sink.rejections().get(2).reason()).startsWith("actor: missing");
    }

    @Test
    void theRawRecordTravelsBesideTheEvent() {
        String record = AuditLogRecords.appClone("doc-r", AT, "acme", "bot", "r", "aA==", "203.0.113.1");
        List<String> records = new ArrayList<>();
        normalizer.normalize(new RawPayload("x.json", null, new ByteArrayInputStream(("[" + record + "]").getBytes(StandardCharsets.UTF_8))),
                NormalizationSink.withRecords((e, location, raw) -> records.add(raw), r -> { }));
        assertThat(records).containsExactly(record);
    }

    @Test
    void aPolledPageThatIsNotAnArrayIsMalformed() {
        assertThatThrownBy(() -> normalizer.normalizePage(new ByteArrayInputStream("<html>".getBytes(StandardCharsets.UTF_8)),
                "GET /orgs/{org}/audit-log", new CollectingSink(), (id, time) -> true))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE))
                .hasMessageContaining("expected a JSON array of audit log events");
    }

    @Test
    void secondsAreNotTakenForMilliseconds() {
        List<Rejection> rejections = new ArrayList<>();
        normalizer.normalize(new RawPayload("s.jsonl", null, new ByteArrayInputStream(
                "{\"created_at\":1621305118,\"action\":\"repo.create\",\"actor\":\"cat\"}".getBytes(StandardCharsets.UTF_8))),
                NormalizationSink.of((e, l) -> { }, rejections::add));
        assertThat(rejections).singleElement().satisfies(r -> assertThat(r.reason()).contains("created_at: not a time"));
    }

    private List<IdentityEvent> normalize(String name, String body) {
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(new RawPayload(name, null, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))), sink);
        assertThat(sink.rejections()).as("rejections").isEmpty();
        return sink.events();
    }

    private static IdentityEvent only(List<IdentityEvent> events) {
        assertThat(events).hasSize(1);
        return events.get(0);
    }
}
