package io.itdr.connector.gcp.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.fixture.gcp.AuditLogEntries;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AuditLogNormalizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AuditLogNormalizer normalizer = new AuditLogNormalizer();

    /** What the sink received: events by id, with their raw records, and rejections. */
    private record Result(Map<String, IdentityEvent> events, Map<String, String> records, List<Rejection> rejections) {
    }

    private Result normalize(String name, byte[] body) {
        Map<String, IdentityEvent> events = new LinkedHashMap<>();
        Map<String, String> records = new LinkedHashMap<>();
        List<Rejection> rejections = new ArrayList<>();
        normalizer.normalize(new RawPayload(name, null, new ByteArrayInputStream(body)), NormalizationSink.withRecords((e, location, record) -> {
            assertThat(location).as("location of %s", e.id()).startsWith(name + ":record ");
            events.put(e.id(), e);
            records.put(e.id(), record);
        }, rejections::add));
        return new Result(events, records, rejections);
    }

    private Result documented() throws IOException {
        try (InputStream in = Objects.requireNonNull(getClass().getResourceAsStream("documented-entries.jsonl"))) {
            return normalize("documented-entries.jsonl", in.readAllBytes());
        }
    }

    @Test
    void aKeyCreatedByAServiceAccountSigningInWithAKeyIsACredentialChangeOfTheNewKey() throws IOException {
        IdentityEvent e = documented().events().get("key-create-1");
        assertThat(e.identity().id()).isEqualTo("deployer@prod-payments.iam.gserviceaccount.com");
        assertThat(e.identity().kind()).isEqualTo("service_account");
        assertThat(e.tenant()).isEqualTo("prod-payments");
        assertThat(e.time()).isEqualTo(Instant.parse("2026-11-20T09:00:00.123456Z"));
        assertThat(e.category()).isEqualTo(EventCategory.CREDENTIAL_CHANGE);
        assertThat(e.action()).isEqualTo("google.iam.admin.v1.CreateServiceAccountKey");
        assertThat(e.credential().id()).isEqualTo("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1");
        assertThat(e.credential().kind()).isEqualTo("service_account_key");
        assertThat(e.target()).isEqualTo("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2");
        assertThat(e.source().ip()).isEqualTo("198.51.100.7");
        assertThat(e.source().userAgent()).startsWith("google-cloud-sdk gcloud/502.0.0");
        assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.attributes()).containsEntry("audit_log", "activity").containsEntry("service_name", "iam.googleapis.com")
                .containsEntry("target_service_account", "backup@prod-payments.iam.gserviceaccount.com")
                .doesNotContainKey("principal_subject");
    }

    @Test
    void aTokenMintedForAnotherServiceAccountIsAnAuthenticationOfTheCallerTargetingTheImpersonatedAccount() throws IOException {
        IdentityEvent e = documented().events().get("token-1");
        assertThat(e.identity().id()).isEqualTo("ci-runner@build-infra.iam.gserviceaccount.com");
        assertThat(e.category()).isEqualTo(EventCategory.AUTHENTICATION);
        assertThat(e.target()).isEqualTo("deployer@prod-payments.iam.gserviceaccount.com");
        assertThat(e.attributes()).containsEntry("impersonated", "deployer@prod-payments.iam.gserviceaccount.com");
    }

    @Test
    void aCallMadeByImpersonationIsTheImpersonatedAccountsWithTheChainThatDelegatedToIt() throws IOException {
        IdentityEvent e = documented().events().get("impersonated-1");
        assertThat(e.identity().id()).isEqualTo("deployer@prod-payments.iam.gserviceaccount.com");
        assertThat(e.attributes()).containsEntry("delegated_by", "ci-runner@build-infra.iam.gserviceaccount.com")
                .containsEntry("delegation_chain",
                        "ci-runner@build-infra.iam.gserviceaccount.com -> relay@build-infra.iam.gserviceaccount.com");
        assertThat(e.category()).isEqualTo(EventCategory.API_CALL);
    }

    @Test
    void aWorkloadIdentityFederationPrincipalIsAWorkloadIdentityOfItsPool() throws IOException {
        IdentityEvent e = documented().events().get("wif-1");
        assertThat(e.identity().id()).startsWith("principal://iam.googleapis.com/projects/123456789012/");
        assertThat(e.identity().kind()).isEqualTo("workload_identity");
        assertThat(e.workload().kind()).isEqualTo("workload_identity_pool");
        assertThat(e.workload().name()).isEqualTo("github-pool");
        assertThat(e.source().ip()).isEqualTo("140.82.112.3");
    }

    @Test
    void aPolicyChangeNamesTheRolesItsBindingDeltasTouched() throws IOException {
        IdentityEvent e = documented().events().get("policy-1");
        assertThat(e.category()).isEqualTo(EventCategory.PRIVILEGE_CHANGE);
        assertThat(e.privilege().scopes()).containsExactly("roles/owner", "roles/viewer");
        assertThat(e.privilege().granted()).isTrue();
        assertThat(e.target()).as("the one principal roles are added to").isEqualTo("backup@prod-payments.iam.gserviceaccount.com");
        assertThat(e.attributes()).containsEntry("resource_name", "projects/prod-payments");
        assertThat(e.attributes().get("binding_deltas"))
                .isEqualTo("ADD roles/owner serviceAccount:backup@prod-payments.iam.gserviceaccount.com; REMOVE roles/viewer user:ana@example.com");
    }

    @Test
    void aPolicyDeniedEntryIsAFailureWithItsStatus() throws IOException {
        IdentityEvent e = documented().events().get("denied-1");
        assertThat(e.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(e.attributes()).containsEntry("audit_log", "policy").containsEntry("status_code", "7")
                .containsEntry("status_message", "PERMISSION_DENIED");
    }

    @Test
    void disablingAServiceAccountIsAnIdentityChangeOfThatAccount() throws IOException {
        IdentityEvent e = documented().events().get("disable-sa-1");
        assertThat(e.category()).isEqualTo(EventCategory.IDENTITY_CHANGE);
        assertThat(e.target()).isEqualTo("backup@prod-payments.iam.gserviceaccount.com");
    }

    @Test
    void everyEventTravelsWithItsLogEntryAsTheRawRecord() throws IOException {
        Result r = documented();
        assertThat(r.rejections()).isEmpty();
        assertThat(r.events()).hasSize(7);
        for (Map.Entry<String, String> record : r.records().entrySet()) {
            JsonNode entry = JSON.readTree(record.getValue());
            assertThat(entry.path("insertId").asText()).isEqualTo(record.getKey());
            assertThat(entry.path("protoPayload").path("methodName").asText()).isEqualTo(r.events().get(record.getKey()).action());
        }
    }

    @Test
    void pubSubPushRequestsPullAnswersAndEntriesListPagesNormalizeLikeTheEntryItself() {
        String entry = AuditLogEntries.line(AuditLogEntries.Entry.call("e-1", Instant.parse("2026-11-20T10:00:00Z"), "prod-payments",
                "deployer@prod-payments.iam.gserviceaccount.com", "k1", "198.51.100.7"));
        IdentityEvent plain = normalize("plain", bytes(entry)).events().get("e-1");
        String push = AuditLogEntries.pushRequest(entry, "m-1", Instant.parse("2026-11-20T10:00:02Z"),
                "projects/prod-payments/subscriptions/itdr-audit");
        String pull = "{\"receivedMessages\":[{\"ackId\":\"a-1\",\"message\":" + push.substring(push.indexOf("{\"attributes\""),
                push.indexOf(",\"subscription\"")) + "}]}";
        String page = "{\"entries\":[" + entry + "],\"nextPageToken\":\"t\"}";
        for (String payload : List.of(push, pull, page)) {
            Result r = normalize("payload", bytes(payload));
            assertThat(r.rejections()).as(payload).isEmpty();
            IdentityEvent e = r.events().get("e-1");
            assertThat(e).as(payload).usingRecursiveComparison().ignoringFields("rawRef").isEqualTo(plain);
            assertThat(r.records().get("e-1")).isEqualTo(entry);
        }
    }

    @Test
    void unusableEntriesAreRejectedNamingTheFieldAndTheRestGoOn() {
        String good = AuditLogEntries.line(AuditLogEntries.Entry.call("good", Instant.parse("2026-11-20T10:00:00Z"), "p-project",
                "a@p-project.iam.gserviceaccount.com", null, null));
        String lines = String.join("\n",
                "{\"insertId\":\"no-payload\",\"timestamp\":\"2026-11-20T10:00:00Z\",\"jsonPayload\":{\"message\":\"hi\"}}",
                good.replace("\"good\"", "\"redacted-time\"").replaceFirst("\"timestamp\":\"[^\"]+\"", "\"timestamp\":\"redacted\""),
                good.replace("\"good\"", "\"nobody\"").replaceFirst("\"authenticationInfo\":\\{[^}]*\\}", "\"authenticationInfo\":{}"),
                good.replace("\"good\"", "\"other-type\"").replace("google.cloud.audit.AuditLog", "google.cloud.Other"),
                "{\"message\":{\"data\":\"%%%not-base64\",\"messageId\":\"1\"},\"subscription\":\"s\"}",
                "42",
                good);
        Result r = normalize("mixed.jsonl", bytes(lines));
        assertThat(r.events().keySet()).containsExactly("good");
        Map<String, String> reasons = r.rejections().stream().collect(Collectors.toMap(Rejection::location, Rejection::reason,
                (a, b) -> a, LinkedHashMap::new));
        assertThat(reasons).hasSize(6);
        assertThat(reasons).containsEntry("mixed.jsonl:record 1, line 1, id no-payload",
                "missing or invalid required field: protoPayload (missing; the entry has a jsonPayload, not an audit log)");
        assertThat(reasons).containsEntry("mixed.jsonl:record 2, line 2, id redacted-time", "timestamp: not an RFC 3339 time: 'redacted'");
        assertThat(reasons.get("mixed.jsonl:record 3, line 3, id nobody")).contains("names no principal");
        assertThat(reasons.get("mixed.jsonl:record 4, line 4, id other-type")).contains("is not a Cloud Audit Logs AuditLog");
        assertThat(reasons.get("mixed.jsonl:record 5, line 5")).startsWith("message.data: not base64");
        assertThat(reasons).containsKey("mixed.jsonl:record 6, line 6");
    }

    @Test
    void aPayloadThatIsNotJsonStopsWithMalformedResponse() {
        assertThatThrownBy(() -> normalize("broken.json", bytes("{\"entries\":[{\"insertId\":")))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE))
                .hasMessageStartingWith("broken.json: ");
    }

    @Test
    void pubSubDataIsDecodedFromBase64() {
        String entry = AuditLogEntries.line(AuditLogEntries.Entry.call("b-1", Instant.parse("2026-11-20T10:00:00Z"), "p-project",
                "a@p-project.iam.gserviceaccount.com", null, null));
        String message = "{\"data\":\"" + Base64.getEncoder().encodeToString(bytes(entry)) + "\",\"messageId\":\"9\"}";
        assertThat(normalize("message.json", bytes(message)).events()).containsOnlyKeys("b-1");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
