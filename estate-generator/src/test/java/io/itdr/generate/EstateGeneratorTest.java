package io.itdr.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.core.normalize.EventJson;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated estate against what the platforms document (the pages are cited in
 * {@link AwsEstate} and {@link EstateGenerator}): one generation of the default-sized estate, read
 * back from its files, shared by the tests.
 */
class EstateGeneratorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INSTANCE_ID = Pattern.compile("i-0[0-9a-f]{16}");
    private static final Pattern LAMBDA_ARN = Pattern.compile("arn:aws:lambda:us-east-1:\\d{12}:function:[\\w-]+");
    private static final Pattern TASK_ARN = Pattern.compile("arn:aws:ecs:us-east-1:\\d{12}:task/[\\w-]+/[0-9a-f]{32}");

    @TempDir
    static Path dir;

    private static List<IdentityEvent> events;
    private static Map<String, String> families;
    private static String catalog;
    private static JsonNode trail;
    private static EstateGenerator.Summary summary;

    @BeforeAll
    static void generateTheDefaultEstate() throws IOException {
        EstateGenerator generator = new EstateGenerator(GeneratorSettings.defaults());
        try (RawEstateWriter raw = RawEstateWriter.open(dir.resolve("raw"))) {
            summary = generator.generate(dir, raw);
        }
        events = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("events.jsonl"))) {
            events.add(EventJson.read(line));
        }
        families = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("labels.jsonl"))) {
            JsonNode label = JSON.readTree(line);
            families.put(label.get("event_id").asText(), label.path("family").asText(null));
        }
        catalog = Files.readString(dir.resolve("catalog.yaml"));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("raw").resolve(RawEstateWriter.CLOUDTRAIL)))) {
            trail = JSON.readTree(in);
        }
    }

    @Test
    void iamUsersSignWithLongTermKeysAndEveryTemporaryKeyWasIssuedEarlierInTheTrail() {
        Map<String, IdentityEvent> issuedBy = new HashMap<>();
        long longTerm = 0;
        long temporary = 0;
        for (IdentityEvent e : events) {
            if (!e.platform().equals("aws")) {
                continue;
            }
            String issued = e.attributes().get("issued_key_id");
            if (issued != null) {
                assertThat(issued).as(e.id()).matches("ASIA[A-Z2-7]{16}");
                issuedBy.putIfAbsent(issued, e);
            }
            if (e.credential() == null) {
                assertThat(e.identity().kind()).as(e.id()).isIn("aws_service", "web_identity_user");
                continue;
            }
            String key = e.credential().id();
            if (key.startsWith("AKIA")) {
                assertThat(e.identity().kind()).as("only IAM users hold access keys: " + e.id()).isEqualTo("iam_user");
                assertThat(e.session()).as(e.id()).isNull();
                longTerm++;
            } else {
                assertThat(key).as(e.id()).startsWith("ASIA");
                IdentityEvent issue = issuedBy.get(key);
                assertThat(issue).as("the call that issued " + key + " (used by " + e.id() + ") is earlier in the trail").isNotNull();
                assertThat(issue.time()).isBeforeOrEqualTo(e.time());
                String expectedIssuer = switch (e.identity().kind()) {
                    case "iam_user" -> "sts:GetSessionToken";
                    default -> e.workload() != null && "oidc_subject".equals(e.workload().kind()) ? "sts:AssumeRoleWithWebIdentity" : "sts:AssumeRole";
                };
                assertThat(issue.action()).as(e.id()).isEqualTo(expectedIssuer);
                if (e.identity().kind().equals("iam_role")) {
                    assertThat(issue.attributes().get("role_arn")).isEqualTo(e.identity().id());
                    assertThat(issue.attributes().get("role_session_name")).isEqualTo(e.session().sessionId());
                }
                temporary++;
            }
        }
        assertThat(longTerm).isPositive();
        assertThat(temporary).isPositive();
    }

    @Test
    void everyAwsAndOktaEventHasItsPlatformsRecord() throws IOException {
        assertThat(Files.readAllLines(dir.resolve("raw").resolve(RawEstateWriter.OTHER)))
                .noneMatch(line -> line.contains("\"platform\":\"aws\"") || line.contains("\"platform\":\"okta\""));
    }

    @Test
    void workloadsAreNamedAsCloudTrailNamesThemAndSessionsAfterThem() {
        Set<String> kinds = new HashSet<>();
        for (IdentityEvent e : events) {
            if (!e.platform().equals("aws") || e.workload() == null) {
                continue;
            }
            String id = e.workload().id();
            kinds.add(e.workload().kind());
            switch (e.workload().kind()) {
                case "ec2" -> {
                    assertThat(id).matches(INSTANCE_ID);
                    assertThat(e.session().sessionId()).as("an instance profile's session is the instance id").isEqualTo(id);
                }
                case "lambda" -> {
                    assertThat(id).matches(LAMBDA_ARN);
                    assertThat(id).endsWith(":function:" + e.session().sessionId());
                    assertThat(e.identity().id()).contains(":role/service-role/");
                }
                case "ecs_task" -> {
                    assertThat(id).matches(TASK_ARN);
                    assertThat(id).endsWith("/" + e.session().sessionId());
                }
                case "oidc_subject" -> assertThat(id).startsWith("repo:example-org/");
                default -> throw new AssertionError("unexpected workload kind " + e.workload() + " in " + e.id());
            }
            assertThat(catalog).as("the catalog names applications, not " + id).doesNotContain(id);
        }
        assertThat(kinds).containsExactlyInAnyOrder("ec2", "lambda", "ecs_task", "oidc_subject");
    }

    @Test
    void aWorkloadsCallsLeaveBySeveralPathsWithSeveralClients() {
        Map<String, Set<String>> sourcesByRole = new TreeMap<>();
        Map<String, Set<String>> agentsByRole = new TreeMap<>();
        long viaEndpoint = 0;
        long byService = 0;
        for (IdentityEvent e : events) {
            if (!e.platform().equals("aws") || !"ec2".equals(e.workload() == null ? null : e.workload().kind())
                    || families.get(e.id()) != null) {
                continue;
            }
            String ip = e.source().ip();
            sourcesByRole.computeIfAbsent(e.identity().id(), k -> new HashSet<>()).add(ip.startsWith("10.") ? "private" : ip);
            agentsByRole.computeIfAbsent(e.identity().id(), k -> new HashSet<>()).add(e.source().userAgent());
            if (e.attributes().containsKey("vpc_endpoint_id")) {
                assertThat(ip).startsWith("10.");
                assertThat(e.attributes().get("vpc_endpoint_id")).matches("vpce-0[0-9a-f]{16}");
                viaEndpoint++;
            }
            if (ip.equals("s3.amazonaws.com")) {
                assertThat(e.attributes()).containsEntry("invoked_by", "s3.amazonaws.com");
                byService++;
            }
        }
        String payments = "arn:aws:iam::111122223333:role/payments-core";
        assertThat(sourcesByRole.get(payments)).as("NAT gateways, the VPC endpoint and S3 on the role's behalf")
                .contains("private", "s3.amazonaws.com").hasSizeGreaterThanOrEqualTo(4);
        assertThat(agentsByRole.get(payments)).as("the SDK moves up with a deploy").hasSizeGreaterThanOrEqualTo(2);
        assertThat(viaEndpoint).isPositive();
        assertThat(byService).isPositive();
        assertThat(events).anyMatch(e -> "AWS Internal".equals(e.source().ip()));
    }

    @Test
    void dataEventsOnlyFromAccountsWhoseTrailSelectsThemAndOnlyInTheTrailFile() {
        long data = 0;
        for (JsonNode r : trail.get("Records")) {
            if (r.has("eventCategory") && r.get("eventCategory").asText().equals("Data")) {
                assertThat(r.get("recipientAccountId").asText()).isNotEqualTo(AwsEstate.ACCOUNTS.get(2));
                data++;
            }
        }
        assertThat(data).isPositive();
        assertThat(events).noneMatch(e -> e.platform().equals("aws") && AwsEstate.ACCOUNTS.get(2).equals(e.tenant())
                && AwsEstate.isDataEvent(e.action()));
    }

    @Test
    void guardDutysSeverityIsHighAsDocumentedAndWrittenAsGenerated() {
        List<IdentityEvent> findings = events.stream().filter(e -> e.category() == EventCategory.PLATFORM_FINDING).toList();
        assertThat(findings).isNotEmpty();
        for (IdentityEvent e : findings) {
            double severity = Double.parseDouble(e.finding().severity());
            assertThat(severity).as("High is 7.0-8.9").isBetween(7.0, 8.9);
            assertThat(e.finding().confidence()).isEqualTo(severity / 10.0);
        }
        List<JsonNode> written = new ArrayList<>();
        trail.get("Records").forEach(r -> {
            if (r.has("schemaVersion")) {
                written.add(r);
            }
        });
        assertThat(written).hasSize(findings.size());
        for (int k = 0; k < findings.size(); k++) {
            assertThat(written.get(k).get("severity").asDouble()).isEqualTo(Double.parseDouble(findings.get(k).finding().severity()));
            assertThat(written.get(k).at("/resource/accessKeyDetails/accessKeyId").asText()).isEqualTo(findings.get(k).credential().id());
        }
    }

    @Test
    void oktaServiceAppsHaveNoSessions() {
        List<IdentityEvent> okta = events.stream().filter(e -> e.platform().equals("okta")).toList();
        assertThat(okta).isNotEmpty().allSatisfy(e -> assertThat(e.session()).as(e.id()).isNull());
        assertThat(okta).anyMatch(e -> e.action().equals("app.oauth2.as.token.grant.access_token"));
    }

    @Test
    void benignWorkThatLooksLikeAttacksIsThereAndLabelledBenign() {
        List<IdentityEvent> benign = events.stream().filter(e -> families.get(e.id()) == null).toList();
        // key rotation by the owner's pipeline
        assertThat(benign).anyMatch(e -> e.action().equals("iam:CreateAccessKey") && e.identity().id().contains(":role/ci-deploy-"));
        assertThat(benign).anyMatch(e -> e.action().equals("iam:DeleteAccessKey") && e.identity().id().contains(":role/ci-deploy-"));
        // Terraform changing application roles' policies from the CI role
        assertThat(benign).anyMatch(e -> e.action().equals("iam:PutRolePolicy") && e.source().userAgent().contains("Terraform/"));
        assertThat(benign).anyMatch(e -> e.action().equals("iam:AttachRolePolicy") && e.identity().id().contains(":role/ci-deploy-"));
        // break-glass administration with an MFA session
        assertThat(benign).anyMatch(e -> e.identity().name().equals("break-glass-admin") && e.action().equals("iam:UpdateAccessKey")
                && Boolean.TRUE.equals(e.session().mfa()));
        // CI jobs of one role from many runners
        Set<String> runners = new HashSet<>();
        benign.stream().filter(e -> e.identity().id().endsWith(":role/ci-deploy-3")).forEach(e -> runners.add(e.source().ip()));
        assertThat(runners).hasSizeGreaterThan(20);
    }

    @Test
    void googleCloudKeysAreStolenAndAnAccountImpersonatedBesideAPipelineThatImpersonatesDaily() {
        List<IdentityEvent> gcp = events.stream().filter(e -> e.platform().equals("gcp")).toList();
        // the stolen key: the account's own key, used from a network its own calls never left from
        List<IdentityEvent> theft = gcp.stream().filter(e -> "access_key_theft".equals(families.get(e.id()))).toList();
        assertThat(theft).isNotEmpty().allSatisfy(e -> assertThat(e.credential().kind()).isEqualTo("service_account_key"));
        IdentityEvent first = theft.get(0);
        assertThat(gcp).filteredOn(e -> families.get(e.id()) == null && e.identity().equals(first.identity()))
                .isNotEmpty().noneMatch(e -> e.source().ip().equals(first.source().ip()))
                .anyMatch(e -> e.credential().id().equals(first.credential().id()));
        // the chain: a token minted with the stolen key for the deployer, then the deployer's calls naming the stolen account
        List<IdentityEvent> chain = gcp.stream().filter(e -> "impersonation_chain".equals(families.get(e.id()))).toList();
        IdentityEvent mint = chain.get(0);
        assertThat(mint.action()).isEqualTo("GenerateAccessToken");
        assertThat(mint.identity()).isEqualTo(first.identity());
        assertThat(mint.credential()).isEqualTo(first.credential());
        assertThat(chain.subList(1, chain.size())).allSatisfy(e -> {
            assertThat(e.identity().id()).isEqualTo(mint.target());
            assertThat(e.credential()).as("a minted token names no key").isNull();
            assertThat(e.attributes()).containsEntry("delegated_by", mint.identity().id());
        });
        assertThat(chain).anyMatch(e -> e.category() == EventCategory.PRIVILEGE_CHANGE && e.privilege().scopes().contains("roles/owner")
                && mint.target().equals(e.target()));
        // never impersonated before; the pipeline impersonates the same deployer every six hours, labelled benign
        assertThat(gcp).filteredOn(e -> e.action().equals("GenerateAccessToken") && families.get(e.id()) == null)
                .hasSizeGreaterThan(40).allSatisfy(e -> {
                    assertThat(e.target()).isEqualTo(mint.target());
                    assertThat(e.identity()).isNotEqualTo(mint.identity());
                });
        assertThat(gcp).anyMatch(e -> families.get(e.id()) == null && e.category() == EventCategory.PRIVILEGE_CHANGE
                && e.source().userAgent().startsWith("Terraform/") && e.attributes().containsKey("delegation_chain"));
        // key rotation: created, the application switches to it, the old one disabled and deleted, all benign
        List<IdentityEvent> rotation = gcp.stream().filter(e -> e.category() == EventCategory.CREDENTIAL_CHANGE
                && families.get(e.id()) == null).toList();
        assertThat(rotation).extracting(IdentityEvent::action).containsExactly("google.iam.admin.v1.CreateServiceAccountKey",
                "google.iam.admin.v1.DisableServiceAccountKey", "google.iam.admin.v1.DeleteServiceAccountKey");
        String rotated = rotation.get(0).attributes().get("target_service_account");
        String newKey = rotation.get(0).target();
        assertThat(gcp).anyMatch(e -> e.identity().id().equals(rotated) && e.credential() != null && e.credential().id().equals(newKey));
        assertThat(gcp).noneMatch(e -> e.identity().id().equals(rotated) && e.credential() != null
                && e.credential().id().equals(rotation.get(1).target()) && e.time().isAfter(rotation.get(1).time()));
    }

    @Test
    void everyFamilyIsInjectedAndTheCountsAddUp() {
        assertThat(summary.attacksByFamily().keySet()).containsExactlyInAnyOrderElementsOf(EstateGenerator.FAMILIES);
        assertThat(families.values().stream().filter(f -> f != null).count()).isEqualTo(summary.maliciousEvents());
        assertThat((long) events.size()).isEqualTo(summary.events());
        assertThat(new HashSet<>(families.values())).containsAll(EstateGenerator.FAMILIES);
    }

    @Test
    void attributesAreWrittenInKeyOrderSoTheBytesDoNotDependOnTheJvm() throws IOException {
        for (String line : Files.readAllLines(dir.resolve("events.jsonl")).subList(0, 2_000)) {
            JsonNode attributes = JSON.readTree(line).get("attributes");
            List<String> keys = new ArrayList<>();
            attributes.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).isSorted();
        }
    }
}
