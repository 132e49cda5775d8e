package io.itdr.connector.azure.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.RawPayload;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class AzureLogNormalizerTest {
    private final AzureLogNormalizer normalizer = new AzureLogNormalizer();

    private CollectingSink read(String resource) {
        CollectingSink sink = new CollectingSink();
        InputStream in = getClass().getResourceAsStream(resource);
        normalizer.normalize(new RawPayload(resource, "application/json", in), sink);
        return sink;
    }

    private static CollectingSink read(String name, String body) {
        CollectingSink sink = new CollectingSink();
        new AzureLogNormalizer("72f988bf-86f1-41af-91ab-2d7cd011db47").normalize(
                new RawPayload(name, null, new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))), sink);
        return sink;
    }

    @Test
    void aGraphSignInPageGivesServicePrincipalAndManagedIdentitySignInsWithKeyIdTokenAndPlace() {
        CollectingSink sink = read("graph-sign-ins.json");
        assertThat(sink.rejections()).isEmpty();
        assertThat(sink.events()).hasSize(3);

        IdentityEvent sp = sink.events().get(0);
        assertThat(sp.id()).isEqualTo("66ea54eb-6301-4ee5-be62-ff5a759b0100");
        assertThat(sp.time()).isEqualTo(Instant.parse("2024-05-02T09:21:17Z"));
        assertThat(sp.platform()).isEqualTo("azure");
        assertThat(sp.identity().id()).isEqualTo("4b6986ec-c49c-40c0-89ce-b2ac51213e39");
        assertThat(sp.identity().kind()).isEqualTo("service_principal");
        assertThat(sp.identity().name()).isEqualTo("billing-exporter");
        assertThat(sp.credential().id()).isEqualTo("2afc776a-4e79-4588-b2ad-f62c94d6bea8");
        assertThat(sp.credential().kind()).isEqualTo("client_secret");
        assertThat(sp.category()).isEqualTo(EventCategory.AUTHENTICATION);
        assertThat(sp.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(sp.session().tokenId()).isEqualTo("hVb3yXvQ9E2cX4mM0dQ1AA");
        assertThat(sp.source().ip()).isEqualTo("203.0.113.7");
        assertThat(sp.source().asn()).isEqualTo(8075L);
        assertThat(sp.source().geo().country()).isEqualTo("NL");
        assertThat(sp.source().geo().lat()).isEqualTo(52.37);
        assertThat(sp.privilege().scopes()).containsExactly("Microsoft Graph");
        assertThat(sp.attributes()).containsEntry("sign_in_type", "servicePrincipal").containsEntry("app_id",
                "de8bc8b5-d9f9-48b1-a8ad-b748da725064");

        IdentityEvent mi = sink.events().get(1);
        assertThat(mi.identity().kind()).isEqualTo("managed_identity");
        assertThat(mi.attributes()).containsEntry("managed_identity_type", "systemAssigned");

        IdentityEvent risky = sink.events().get(2);
        assertThat(risky.category()).isEqualTo(EventCategory.PLATFORM_FINDING);
        assertThat(risky.outcome()).isEqualTo(Outcome.FAILURE);
        assertThat(risky.finding().type()).isEqualTo("suspiciousSignins");
        assertThat(risky.finding().confidence()).isEqualTo(0.9);
        assertThat(risky.attributes()).containsEntry("error_code", "7000215");
    }

    @Test
    void eachEventTravelsWithItsOwnRecordAsJson() {
        CollectingSink sink = read("graph-sign-ins.json");
        assertThat(sink.records()).hasSize(3);
        assertThat(sink.records().get(0)).startsWith("{").contains("\"id\":\"66ea54eb-6301-4ee5-be62-ff5a759b0100\"")
                .doesNotContain("@odata.nextLink");
        assertThat(sink.locations().get(0)).isEqualTo("graph-sign-ins.json:record 1, line 4");
    }

    @Test
    void aDiagnosticSettingsDeliveryReadsSignInsAuditsActivityAndRiskAndNamesEachRejection() {
        CollectingSink sink = read("diagnostic-delivery.json");
        assertThat(sink.events()).extracting(IdentityEvent::category).containsExactly(EventCategory.AUTHENTICATION,
                EventCategory.CREDENTIAL_CHANGE, EventCategory.PRIVILEGE_CHANGE, EventCategory.PRIVILEGE_CHANGE,
                EventCategory.PLATFORM_FINDING);

        IdentityEvent signIn = sink.events().get(0);
        assertThat(signIn.id()).isEqualTo("36658c78-02d9-4d8f-84ee-5ca4a3fdefef");
        assertThat(signIn.time()).isEqualTo(Instant.parse("2024-05-02T10:00:00.983201900Z"));
        assertThat(signIn.tenant()).isEqualTo("a2aa49aa-2c0c-49d2-af87-f402c421df0b");
        assertThat(signIn.identity().kind()).isEqualTo("service_principal");
        assertThat(signIn.source().geo().city()).isEqualTo("Dublin");

        IdentityEvent credential = sink.events().get(1);
        assertThat(credential.action()).isEqualTo("Add service principal credentials");
        assertThat(credential.identity().id()).isEqualTo("b1c34143-e405-4058-8e29-84596ad737b8");
        assertThat(credential.target()).isEqualTo("4b6986ec-c49c-40c0-89ce-b2ac51213e39");
        assertThat(credential.attributes()).containsEntry("key_id", "9d2f1c0e-1234-4abc-9def-0123456789ab");

        IdentityEvent role = sink.events().get(2);
        assertThat(role.privilege().scopes()).containsExactly("Global Administrator");
        assertThat(role.privilege().granted()).isTrue();

        IdentityEvent assignment = sink.events().get(3);
        assertThat(assignment.identity().id()).isEqualTo("b1c34143-e405-4058-8e29-84596ad737b8");
        assertThat(assignment.identity().kind()).isEqualTo("service_principal");
        assertThat(assignment.id()).startsWith("sha256:");
        assertThat(assignment.attributes()).containsEntry("role", "User Access Administrator").containsEntry("subscription_id",
                "12345678-1234-1234-1234-123456789abc");

        IdentityEvent risk = sink.events().get(4);
        assertThat(risk.finding().type()).isEqualTo("leakedCredentials");
        assertThat(risk.credential().id()).isEqualTo("9d2f1c0e-1234-4abc-9def-0123456789ab");

        assertThat(sink.rejections()).hasSize(3);
        assertThat(sink.rejections().get(0).location()).isEqualTo("diagnostic-delivery.json:record 6, line 36");
        assertThat(sink.rejections().get(0).reason()).contains("caller (missing");
        assertThat(sink.rejections().get(1).reason()).contains("category 'StorageRead' is not a log this connector reads");
        assertThat(sink.rejections().get(2).reason()).contains("time (not an ISO 8601 time: 'redacted')");
    }

    @Test
    void theSameIdentityIsNamedAlikeInItsSignInAuditActivityAndRisk() {
        CollectingSink sink = read("diagnostic-delivery.json");
        assertThat(sink.events()).extracting(e -> e.identity().id()).containsOnly("b1c34143-e405-4058-8e29-84596ad737b8");
    }

    @Test
    void theRestActivityLogShapeAndAManagedIdentityCallerAreRead() {
        CollectingSink sink = read("rest.json", """
                {"value":[{"eventDataId":"e-1","eventTimestamp":"2024-05-03T01:02:03.456Z","caller":"b1c34143-e405-4058-8e29-84596ad737b8",
                  "operationName":{"value":"Microsoft.KeyVault/vaults/secrets/getSecret/action","localizedValue":"Get secret"},
                  "status":{"value":"Succeeded"},"httpRequest":{"clientIpAddress":"203.0.113.9"},
                  "resourceId":"/subscriptions/s1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v/secrets/db"},
                 {"time":"2024-05-03T01:02:04Z","category":"Administrative","operationName":"Microsoft.Storage/storageAccounts/listKeys/action",
                  "resultType":"Success","identity":{"claims":{"oid":"7c1d","xms_mirid":"/subscriptions/s1/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/etl"}}}]}
                """);
        assertThat(sink.rejections()).isEmpty();
        IdentityEvent rest = sink.events().get(0);
        assertThat(rest.id()).isEqualTo("e-1");
        assertThat(rest.identity().kind()).isEqualTo("service_principal");
        assertThat(rest.category()).isEqualTo(EventCategory.API_CALL);
        assertThat(rest.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(rest.source().ip()).isEqualTo("203.0.113.9");
        assertThat(rest.tenant()).isEqualTo("72f988bf-86f1-41af-91ab-2d7cd011db47");
        assertThat(sink.events().get(1).identity().kind()).isEqualTo("managed_identity");
    }

    @Test
    void aUserAssignedIdentitysFederatedCredentialWrittenIsACredentialChange() {
        assertThat(ActivityMapper.category(
                "microsoft.managedidentity/userassignedidentities/federatedidentitycredentials/write")).isEqualTo(EventCategory.CREDENTIAL_CHANGE);
        assertThat(AuditMapper.category("update application", java.util.Set.of("FederatedIdentityCredentials")))
                .isEqualTo(EventCategory.CREDENTIAL_CHANGE);
        assertThat(AuditMapper.category("consent to application", java.util.Set.of())).isEqualTo(EventCategory.PRIVILEGE_CHANGE);
        assertThat(AuditMapper.category("add app role assignment to service principal", java.util.Set.of()))
                .isEqualTo(EventCategory.PRIVILEGE_CHANGE);
    }

    @Test
    void aRiskyServicePrincipalIsOneFindingPerUpdateAndAClosedOneIsNoFinding() {
        CollectingSink sink = read("risky.jsonl", """
                {"id":"sp-1","appId":"a-1","displayName":"etl","riskLevel":"medium","riskState":"atRisk","riskLastUpdatedDateTime":"2024-05-03T00:00:00Z","servicePrincipalType":"Application"}
                {"id":"sp-1","appId":"a-1","displayName":"etl","riskLevel":"none","riskState":"dismissed","riskLastUpdatedDateTime":"2024-05-04T00:00:00Z"}
                """);
        assertThat(sink.events()).extracting(IdentityEvent::id).containsExactly("sp-1@2024-05-03T00:00:00Z", "sp-1@2024-05-04T00:00:00Z");
        assertThat(sink.events().get(0).finding().confidence()).isEqualTo(0.6);
        assertThat(sink.events().get(1).category()).isEqualTo(EventCategory.OTHER);
        assertThat(sink.events().get(1).finding()).isNull();
    }

    @Test
    void aBrokenLineIsOneRejectionAndTheLinesAfterItAreRead() throws IOException {
        String lines = """
                {"id":"s-1","createdDateTime":"2024-05-03T00:00:00Z","servicePrincipalId":"sp-1","signInEventTypes":["servicePrincipal"]}
                {"id":"s-2","createdDateTime":
                {"id":"s-3","createdDateTime":"2024-05-03T00:00:02Z","servicePrincipalId":"sp-1","signInEventTypes":["servicePrincipal"]}
                {"id":"s-4","createdDateTime":"2024-05-03T00:00:03Z","appId":"x"}
                """;
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(lines.getBytes(StandardCharsets.UTF_8));
        }
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(new RawPayload("export.jsonl.gz", null, new ByteArrayInputStream(gz.toByteArray())), sink);
        assertThat(sink.events()).extracting(IdentityEvent::id).containsExactly("s-1", "s-3", "s-4");
        assertThat(sink.rejections()).singleElement().satisfies(r -> assertThat(r.location()).isEqualTo("export.jsonl.gz:record 2, line 2"));
    }

    @Test
    void aRecordWithoutIdentityIsRejectedNamingTheFields() {
        CollectingSink sink = read("x.jsonl", """
                {"id":"a-1","activityDateTime":"2024-05-03T00:00:00Z","activityDisplayName":"Add owner to application","initiatedBy":{}}
                {"id":"s-1","createdDateTime":"2024-05-03T00:00:00Z","userId":null,"appId":null,"servicePrincipalId":"none"}
                """);
        assertThat(sink.events()).isEmpty();
        assertThat(sink.rejections()).extracting(r -> r.reason()).containsExactly(
                "missing or invalid required field: initiatedBy (names neither an app nor a user with an id)",
                "missing or invalid required field: servicePrincipalId, appId and userId (all missing: no identity signed in)");
        assertThat(sink.rejections().get(0).location()).isEqualTo("x.jsonl:record 1, line 1, id a-1");
    }

    @Test
    void aPayloadThatIsNotJsonStopsWithMalformedResponse() {
        assertThatThrownBy(() -> read("bad.json", "{\"records\": [ {\"id\": "))
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_RESPONSE));
    }
}
