package io.itdr.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.fixture.record.RawRecord;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The raw rendering's files and records. That the connectors read them back as the same estate is
 * asserted where the connectors are on the class path: itdr-server's {@code CliGenerateRawTest}.
 */
class RawEstateWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T = Instant.parse("2026-10-05T14:03:07.250Z");
    private static final IdentityRef USER = new IdentityRef("arn:aws:iam::111122223333:user/svc-4", "iam_user", "svc-4");
    private static final IdentityRef ROLE = new IdentityRef("arn:aws:iam::111122223333:role/ci-deploy-3", "iam_role", "ci-deploy-3");

    @TempDir
    Path dir;

    @Test
    void everyEventLandsInExactlyOneWellFormedFileWithItsLabel() throws IOException {
        EstateGenerator generator = new EstateGenerator(new GeneratorSettings(7, EstateGenerator.MIN_IDENTITIES,
                EstateGenerator.MIN_DAYS, GeneratorSettings.DEFAULT_START));
        EstateGenerator.Summary summary;
        RawEstateWriter.Counts counts;
        try (RawEstateWriter writer = RawEstateWriter.open(dir.resolve("raw"))) {
            summary = generator.generate(dir, writer);
            counts = writer.counts();
        }

        JsonNode trail;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("raw").resolve(RawEstateWriter.CLOUDTRAIL)))) {
            trail = JSON.readTree(in);
        }
        JsonNode okta = JSON.readTree(dir.resolve("raw").resolve(RawEstateWriter.OKTA).toFile());
        List<String> other = Files.readAllLines(dir.resolve("raw").resolve(RawEstateWriter.OTHER));
        List<String> labels = Files.readAllLines(dir.resolve("raw").resolve(RawEstateWriter.LABELS));

        assertThat(trail.get("Records").size()).isEqualTo(counts.cloudTrailRecords() + counts.guardDutyFindings()).isPositive();
        assertThat(okta.size()).isEqualTo(counts.oktaLogEvents()).isPositive();
        assertThat(other).hasSize((int) counts.normalizedEvents()).isNotEmpty();
        assertThat(counts.cloudTrailRecords() + counts.guardDutyFindings() + counts.oktaLogEvents() + counts.normalizedEvents())
                .isEqualTo(summary.events());
        assertThat(labels).hasSize((int) summary.events());
        assertThat(labels.stream().filter(l -> l.contains("\"malicious\"")).count()).isEqualTo(summary.maliciousEvents());
        assertThat(labels).anyMatch(l -> l.matches("\\{\"event_id\":\"atk-pf-[^\"]+@[^\"]+\",\"label\":\"malicious\",\"family\":\"platform_finding\"}"));
    }

    @Test
    void anIamUserUsesItsLongTermKeyWithoutASessionAndATemporaryKeyWithOne() throws IOException {
        JsonNode plain = cloudTrail(IdentityEvent.builder("e-1", T, "aws", USER).tenant("111122223333")
                .credential(new CredentialRef("AKIA0000000000000001", "access_key")).action("s3:GetObject").build());
        JsonNode session = cloudTrail(IdentityEvent.builder("e-2", T, "aws", USER).tenant("111122223333")
                .credential(new CredentialRef("AKIA0000000000000001", "access_key")).action("s3:GetObject")
                .session(new SessionInfo("s-4-0-1", null, Instant.parse("2026-10-05T12:00:00Z"), null))
                .source(new Source("10.20.4.7", 16509L, "AMAZON-02", null, "aws-sdk-java/2.57.8", false)).build());

        assertThat(plain.at("/userIdentity/type").asText()).isEqualTo("IAMUser");
        assertThat(plain.at("/userIdentity/accessKeyId").asText()).isEqualTo("AKIA0000000000000001");
        assertThat(plain.has("sourceIPAddress")).isFalse();
        assertThat(plain.at("/eventTime").asText()).isEqualTo("2026-10-05T14:03:07.250Z");
        assertThat(session.at("/userIdentity/accessKeyId").asText()).startsWith("ASIA").hasSize(20);
        assertThat(session.at("/userIdentity/sessionContext/attributes/creationDate").asText()).isEqualTo("2026-10-05T12:00:00Z");
        assertThat(session.at("/sourceIPAddress").asText()).isEqualTo("10.20.4.7");
        assertThat(session.at("/eventSource").asText()).isEqualTo("s3.amazonaws.com");
        assertThat(session.at("/eventName").asText()).isEqualTo("GetObject");
        assertThat(session.at("/recipientAccountId").asText()).isEqualTo("111122223333");
    }

    @Test
    void aRoleActsThroughAnAssumedRoleSessionNamedAfterTheGeneratedSession() throws IOException {
        JsonNode r = cloudTrail(IdentityEvent.builder("e-3", T, "aws", ROLE).tenant("111122223333")
                .credential(new CredentialRef("AKIA0000000000000002", "access_key")).category(EventCategory.AUTHENTICATION)
                .action("sts:AssumeRoleWithWebIdentity").session(new SessionInfo("ci-3-45", null, T, null)).build());

        assertThat(r.at("/userIdentity/type").asText()).isEqualTo("AssumedRole");
        assertThat(r.at("/userIdentity/arn").asText()).isEqualTo("arn:aws:sts::111122223333:assumed-role/ci-deploy-3/ci-3-45");
        assertThat(r.at("/userIdentity/sessionContext/sessionIssuer/arn").asText()).isEqualTo(ROLE.id());
        assertThat(r.at("/userIdentity/accessKeyId").asText()).startsWith("ASIA");
    }

    @Test
    void aPolicyAttachmentNamesItsGranteeAndPolicy() throws IOException {
        JsonNode r = cloudTrail(IdentityEvent.builder("e-4", T, "aws", USER).tenant("111122223333")
                .category(EventCategory.PRIVILEGE_CHANGE).action("iam:AttachUserPolicy").target(USER.id())
                .privilege(new PrivilegeChange(List.of("arn:aws:iam::aws:policy/AdministratorAccess"), true)).build());

        assertThat(r.at("/requestParameters/userName").asText()).isEqualTo("svc-4");
        assertThat(r.at("/requestParameters/policyArn").asText()).isEqualTo("arn:aws:iam::aws:policy/AdministratorAccess");
    }

    @Test
    void whatAPlatformRecordCannotCarryIsNotRendered() {
        IdentityRef app = new IdentityRef("0oa1", "service_app", "svc-1");
        assertThat(PlatformRecords.render(IdentityEvent.builder("e-5", T, "gcp", IdentityRef.of("sa@p.iam.gserviceaccount.com")).build()))
                .isEmpty();
        assertThat(PlatformRecords.render(IdentityEvent.builder("e-6", T, "okta", app).category(EventCategory.PRIVILEGE_CHANGE)
                .action("group.user_membership.add").privilege(new PrivilegeChange(List.of("group:Admins"), true)).build())).isEmpty();
        assertThat(PlatformRecords.render(IdentityEvent.builder("e-7", T, "aws", USER).tenant("999999999999").build()))
                .as("a tenant other than the ARN's account").isEmpty();
        assertThat(PlatformRecords.render(IdentityEvent.builder("e-8", T, "okta", app).action("okta.users.read").build()))
                .hasValueSatisfying(r -> assertThat(r.format()).isEqualTo(RawRecord.Format.OKTA_LOG_EVENT));
    }

    private static JsonNode cloudTrail(IdentityEvent event) throws IOException {
        RawRecord record = PlatformRecords.render(event).orElseThrow();
        assertThat(record.format()).isEqualTo(RawRecord.Format.CLOUDTRAIL);
        assertThat(record.eventId()).isEqualTo(event.id());
        return JSON.readTree(record.json());
    }
}
