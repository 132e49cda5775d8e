package io.itdr.connector.okta.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Outcome;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.telemetry.CollectingSink;
import io.itdr.spi.telemetry.RawPayload;
import io.itdr.spi.telemetry.Rejection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/**
 * What each kind of non-human actor in the System Log becomes, read from fixtures built on Okta's
 * documented LogEvent examples (each record cites its source in {@code _source}, an extra field the
 * normalizer must ignore).
 */
class SystemLogNormalizerTest {
    static final String NHI = "nhi-log-events.jsonl";
    static final String CLIENT_CREDENTIALS = "3c1f6f0e-1a2b-11f1-9a4b-0001a0000001";
    static final String API_TOKEN_USE = "3c1f6f0e-1a2b-11f1-9a4b-0001a0000002";
    static final String SERVICE_USER_SIGN_IN = "3c1f6f0e-1a2b-11f1-9a4b-0001a0000003";
    static final String THREAT = "3c1f6f0e-1a2b-11f1-9a4b-0001a0000004";
    static final String ROLE_GRANT = "3c1f6f0e-1a2b-11f1-9a4b-0001a0000005";
    static final String GROUP_ADD = "3c1f6f0e-1a2b-11f1-9a4b-0001a0000006";
    static final String TOKEN_CREATE = "3c1f6f0e-1a2b-11f1-9a4b-0001a0000007";
    static final String SECRET_CREATE = "3c1f6f0e-1a2b-11f1-9a4b-0001a0000008";
    static final String CLIENT_ROLE_GRANT = "3c1f6f0e-1a2b-11f1-9a4b-0001a0000009";

    private final SystemLogNormalizer offline = new SystemLogNormalizer();

    static byte[] resource(String name) {
        try (InputStream in = SystemLogNormalizerTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The event with {@code id} among those {@code sink} kept; fails naming the ids it holds otherwise. */
    static IdentityEvent event(CollectingSink sink, String id) {
        return sink.events().stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no event " + id + " among " + ids(sink)));
    }

    /** The ids of the events {@code sink} kept, in order. */
    static List<String> ids(CollectingSink sink) {
        return sink.events().stream().map(IdentityEvent::id).toList();
    }

    static CollectingSink normalize(SystemLogNormalizer normalizer, String name, byte[] body) {
        CollectingSink sink = new CollectingSink();
        normalizer.normalize(new RawPayload(name, null, new ByteArrayInputStream(body)), sink);
        return sink;
    }

    private CollectingSink nhi() {
        CollectingSink sink = normalize(offline, NHI, resource(NHI));
        assertThat(sink.rejections()).as("rejections of the NHI fixtures").isEmpty();
        assertThat(sink.events()).hasSize(9);
        return sink;
    }

    @Test
    void aClientCredentialsGrantIsTheServiceAppSigningIn() {
        IdentityEvent e = event(nhi(), CLIENT_CREDENTIALS);
        assertThat(e.identity()).isEqualTo(new IdentityRef("0oa1reportsvc000001", "service_app", "Reports Exporter"));
        assertThat(e.platform()).isEqualTo("okta");
        assertThat(e.tenant()).as("an export names no org").isNull();
        assertThat(e.time()).isEqualTo(Instant.parse("2026-02-28T09:15:00.123Z"));
        assertThat(e.category()).isEqualTo(EventCategory.AUTHENTICATION);
        assertThat(e.action()).isEqualTo("app.oauth2.as.token.grant.access_token");
        assertThat(e.outcome()).isEqualTo(Outcome.SUCCESS);
        assertThat(e.credential()).isNull();
        assertThat(e.session()).as("externalSessionId 'unknown' is no session").isNull();
        assertThat(e.privilege()).as("the scopes the token carries, as a use").isEqualTo(new PrivilegeChange(List.of("okta.users.read", "okta.logs.read"), null));
        assertThat(e.source()).isEqualTo(new Source("198.51.100.24", 14618L, "amazon.com inc.",
                new Geo("US", "Virginia", "Ashburn", 39.0469, -77.4903), "okta-sdk-java/24.0.0 java/17.0.9 Linux/6.1", false));
        assertThat(e.rawRef()).isEqualTo(NHI + ":record 1");
        assertThat(e.attributes()).containsEntry("grant_type", "client_credentials").containsEntry("client_id", "0oa1reportsvc000001")
                .containsEntry("actor_type", "PublicClientApp").containsEntry("display_message", "OAuth2 access token is granted")
                .containsEntry("severity", "INFO").containsEntry("transaction_id", "Y-k9Qk0AAAAAAAAAAAAAAQ")
                .doesNotContainKey("zone");
    }

    /** Rules match the LogEvent's own fields, so each event comes with its record as JSON. */
    @Test
    void everyEventCarriesItsLogEventAsJson() {
        CollectingSink sink = nhi();
        assertThat(sink.records()).hasSameSizeAs(sink.events()).doesNotContainNull();
        assertThat(sink.records().get(ids(sink).indexOf(CLIENT_CREDENTIALS)))
                .contains("\"eventType\":\"app.oauth2.as.token.grant.access_token\"").contains("\"actor\":{");
    }

    @Test
    void anApiTokenCallIsTheTokensOwnerWithTheTokenAsCredential() {
        IdentityEvent e = event(nhi(), API_TOKEN_USE);
        assertThat(e.identity()).isEqualTo(new IdentityRef("00u1deployer0000001", "api_token", "CI Deployer"));
        assertThat(e.credential()).isEqualTo(new CredentialRef("00T94e3cn9kSEO3c51s5", "api_token"));
        assertThat(e.session()).isEqualTo(new SessionInfo("trsZ9dPfw4DS1ChuWWOtcUc0A", "00T94e3cn9kSEO3c51s5", null, null));
        assertThat(e.category()).as("user.lifecycle.deactivate").isEqualTo(EventCategory.IDENTITY_CHANGE);
        assertThat(e.target()).isEqualTo("00u1former000000001");
        assertThat(e.source().asn()).as("asNumber written as a string").isEqualTo(24940L);
        assertThat(e.source().asOrg()).as("isp when asOrg is null").isEqualTo("hetzner online gmbh");
        assertThat(e.source().geo().country()).isEqualTo("DE");
        assertThat(e.source().userAgent()).isEqualTo("python-requests/2.31.0");
    }

    @Test
    void aServiceUserSigningInIsAServiceUserWithItsSession() {
        IdentityEvent e = event(nhi(), SERVICE_USER_SIGN_IN);
        assertThat(e.identity()).isEqualTo(new IdentityRef("00u1svcbackup000001", "service_user", "Backup Service"));
        assertThat(e.category()).isEqualTo(EventCategory.AUTHENTICATION);
        assertThat(e.time()).as("published with an offset").isEqualTo(Instant.parse("2026-02-28T10:00:00.500Z"));
        assertThat(e.session()).isEqualTo(new SessionInfo("102svcBackupSess1on00001", null, null, null));
        assertThat(e.source().ip()).isEqualTo("2001:db8:85a3::8a2e:370:7334");
        assertThat(e.source().geo()).isEqualTo(new Geo("JP", "Tokyo", "Tokyo", 35.6762, 139.6503));
        assertThat(e.finding()).as("a MEDIUM risk sign-in is a sign-in, not a finding").isNull();
        assertThat(e.attributes().get("risk")).isEqualTo("{reasons=Anomalous Location, level=MEDIUM}");
        assertThat(e.attributes().get("behaviors")).startsWith("{New Geo-Location=POSITIVE");
        assertThat(e.attributes()).containsEntry("zone", "OFF_NETWORK").containsEntry("actor_login", "svc-backup@example.com");
    }

    @Test
    void aThreatInsightDetectionIsAPlatformFindingAboutTheIdentityItWentAfter() {
        IdentityEvent e = event(nhi(), THREAT);
        assertThat(e.category()).isEqualTo(EventCategory.PLATFORM_FINDING);
        assertThat(e.identity()).as("the actor is 'unknown': the finding is about its target")
                .isEqualTo(new IdentityRef("00u1svcbackup000001", "service_user", "Backup Service"));
        assertThat(e.attributes()).containsEntry("actor_unknown", "true")
                .containsEntry("threat_detections", "{\"Password Spray\":\"HIGH\",\"Login Failures\":\"MEDIUM\"}");
        assertThat(e.finding().type()).isEqualTo("security.threat.detected");
        assertThat(e.finding().confidence()).as("the highest detection level, HIGH").isEqualTo(0.9);
        assertThat(e.finding().severity()).isEqualTo("HIGH");
        assertThat(e.finding().description()).isEqualTo("Password Spray, Login Failures");
        assertThat(e.outcome()).as("DENY").isEqualTo(Outcome.FAILURE);
        assertThat(e.source().proxy()).isTrue();
        assertThat(e.source().asn()).isEqualTo(9009L);
        assertThat(e.source().geo()).isEqualTo(new Geo("NL", "North Holland", "Amsterdam", 52.374, 4.8897));
        assertThat(e.session()).isNull();
    }

    @Test
    void privilegeChangesNameWhatWasGrantedAndToWhom() {
        CollectingSink sink = nhi();
        IdentityEvent role = event(sink, ROLE_GRANT);
        assertThat(role.category()).isEqualTo(EventCategory.PRIVILEGE_CHANGE);
        assertThat(role.identity()).as("the admin who granted it").isEqualTo(new IdentityRef("00u1admin0000000001", "user", "Root Admin"));
        assertThat(role.target()).isEqualTo("00u1svcbackup000001");
        assertThat(role.privilege()).isEqualTo(new PrivilegeChange(List.of("Super administrator", "Read-only administrator"), true));
        assertThat(role.attributes()).containsEntry("target_type", "User");

        IdentityEvent group = event(sink, GROUP_ADD);
        assertThat(group.target()).isEqualTo("00u1svcbackup000001");
        assertThat(group.privilege()).isEqualTo(new PrivilegeChange(List.of("group:Okta Administrators"), true));

        IdentityEvent app = event(sink, CLIENT_ROLE_GRANT);
        assertThat(app.category()).isEqualTo(EventCategory.PRIVILEGE_CHANGE);
        assertThat(app.target()).isEqualTo("0oa1reportsvc000001");
        assertThat(app.privilege()).isEqualTo(new PrivilegeChange(List.of("Super administrator"), true));
    }

    @Test
    void credentialChangesTargetTheCredential() {
        CollectingSink sink = nhi();
        IdentityEvent token = event(sink, TOKEN_CREATE);
        assertThat(token.category()).isEqualTo(EventCategory.CREDENTIAL_CHANGE);
        assertThat(token.target()).isEqualTo("00T3333333333333333c");
        assertThat(token.attributes()).containsEntry("target_type", "Token");

        IdentityEvent secret = event(sink, SECRET_CREATE);
        assertThat(secret.category()).isEqualTo(EventCategory.CREDENTIAL_CHANGE);
        assertThat(secret.target()).as("the secret, not the app it belongs to").isEqualTo("ocs1clientsecret0001");
    }

    @Test
    void aConfiguredNormalizerNamesItsOrgAndItsOwnServiceUsers() {
        SystemLogNormalizer configured = new SystemLogNormalizer("Example.okta.com", ServiceUsers.matching(List.of("*@robots.example.com")));
        CollectingSink sink = normalize(configured, NHI, resource(NHI));
        assertThat(sink.events()).extracting(IdentityEvent::tenant).containsOnly("example.okta.com");
        assertThat(event(sink, SERVICE_USER_SIGN_IN).identity().kind()).as("svc-backup is not a robot by these patterns").isEqualTo("user");

        IdentityEvent robot = one(configured, """
                {"uuid":"r-1","published":"2026-02-28T10:00:00Z","eventType":"user.session.start",
                 "actor":{"id":"00u1robot","type":"User","alternateId":"Nightly@Robots.Example.com"}}
                """);
        assertThat(robot.identity().kind()).as("patterns ignore case").isEqualTo("service_user");
    }

    @Test
    void theDocumentedExampleIsRejectedForItsImpossibleDateAndTheRestIsRead() {
        String name = "system-log-reference-example.json";
        CollectingSink sink = normalize(offline, name, resource(name));
        assertThat(sink.rejections()).containsExactly(new Rejection(name + ":record 1, line 2, id f790999f-fe87-467a-9880-6982a583986c",
                "published: not an RFC 3339 timestamp: '2017-09-31T22:23:07.777Z'"));
        assertThat(sink.events()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo("f790999f-fe87-467a-9880-6982a583986d");
            assertThat(e.identity()).isEqualTo(new IdentityRef("00u1qw1mqitPHM8AJ0g7", "api_token", "John Doe"));
            assertThat(e.credential()).isEqualTo(new CredentialRef("00T94e3cn9kSEO3c51s5", "api_token"));
            assertThat(e.source().userAgent()).isEqualTo("UNKNOWN-DOWNLOAD");
            assertThat(e.source().geo()).isNull();
            assertThat(e.category()).isEqualTo(EventCategory.API_CALL);
        });
        assertThat(sink.locations()).containsExactly(name + ":record 2, line 57");
    }

    @Test
    void anEventHookDeliveryNamesTheOrgItCameFrom() {
        String name = "event-hook-delivery.json";
        CollectingSink offlineSink = normalize(offline, name, resource(name));
        assertThat(offlineSink.rejections()).isEmpty();
        assertThat(offlineSink.events()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo("f790999f-fe87-467a-9880-6982a583986c");
            assertThat(e.tenant()).as("the org in the delivery's source").isEqualTo("example.okta.com");
            assertThat(e.identity()).isEqualTo(new IdentityRef("00u1qw6mqitPHM8AJ0g7", "user", "Example Admin"));
            assertThat(e.session().sessionId()).isEqualTo("1013FfF-DKQSvCI4RVXChzX-w");
        });
        CollectingSink configured = normalize(new SystemLogNormalizer("other.okta.com", ServiceUsers.DEFAULTS), name, resource(name));
        assertThat(configured.events()).extracting(IdentityEvent::tenant).as("a connector's own org wins").containsOnly("other.okta.com");
    }

    @Test
    void aHighRiskSignInIsAPlatformFinding() {
        IdentityEvent e = one(offline, """
                {"uuid":"risk-1","published":"2026-02-28T10:00:00Z","eventType":"user.session.start",
                 "actor":{"id":"00u1svc","type":"User","alternateId":"svc-etl@example.com"},
                 "debugContext":{"debugData":{"logOnlySecurityData":"{\\"risk\\":{\\"level\\":\\"HIGH\\"},\\"behaviors\\":{}}"}}}
                """);
        assertThat(e.category()).isEqualTo(EventCategory.PLATFORM_FINDING);
        assertThat(e.finding().type()).isEqualTo("okta.risk.high");
        assertThat(e.finding().confidence()).isEqualTo(0.9);
        assertThat(e.identity().kind()).isEqualTo("service_user");

        IdentityEvent suspected = one(offline, """
                {"uuid":"risk-2","published":"2026-02-28T10:00:00Z","eventType":"user.session.start",
                 "actor":{"id":"00u1svc","type":"User"},"debugContext":{"debugData":{"threatSuspected":"true"}}}
                """);
        assertThat(suspected.finding().type()).isEqualTo("okta.threat_suspected");
        assertThat(suspected.finding().confidence()).as("a suspicion with no level").isEqualTo(0.5);
    }

    @Test
    void outcomesMapToSuccessFailureOrUnknown() {
        for (String[] c : new String[][]{{"SUCCESS", "SUCCESS"}, {"ALLOW", "SUCCESS"}, {"FAILURE", "FAILURE"}, {"DENY", "FAILURE"},
                {"CHALLENGE", "UNKNOWN"}, {"SKIPPED", "UNKNOWN"}, {"UNKNOWN", "UNKNOWN"}}) {
            IdentityEvent e = one(offline, "{\"uuid\":\"o\",\"published\":\"2026-02-28T10:00:00Z\",\"actor\":{\"id\":\"0oa1\",\"type\":\"PublicClientApp\"},"
                    + "\"outcome\":{\"result\":\"" + c[0] + "\"}}");
            assertThat(e.outcome()).as(c[0]).isEqualTo(Outcome.valueOf(c[1]));
            assertThat(e.attributes()).containsEntry("outcome_result", c[0]);
        }
    }

    @Test
    void aClientCredentialsGrantWhoseActorIsNotTheAppIsStillTheClient() {
        IdentityEvent e = one(offline, """
                {"uuid":"cc-1","published":"2026-02-28T10:00:00Z","eventType":"app.oauth2.token.grant.access_token",
                 "actor":{"id":"ausorgas0001","type":"AuthorizationServer","displayName":"Okta"},
                 "client":{"id":"0oa1batchjob"},"debugContext":{"debugData":{"grantType":"client_credentials"}}}
                """);
        assertThat(e.identity()).isEqualTo(new IdentityRef("0oa1batchjob", "service_app", null));
        assertThat(e.category()).isEqualTo(EventCategory.AUTHENTICATION);
    }

    @Test
    void oktaItselfIsTheSystem() {
        IdentityEvent e = one(offline, """
                {"uuid":"sys-1","published":"2026-02-28T10:00:00Z","eventType":"user.lifecycle.suspend",
                 "actor":{"id":"0oaSystem","type":"SystemPrincipal","alternateId":"system@okta.com","displayName":"Okta System"},
                 "target":[{"id":"00u1idle","type":"User"}]}
                """);
        assertThat(e.identity().kind()).isEqualTo("system");
        assertThat(e.category()).isEqualTo(EventCategory.IDENTITY_CHANGE);
        assertThat(e.target()).isEqualTo("00u1idle");
    }

    static IdentityEvent one(SystemLogNormalizer normalizer, String json) {
        CollectingSink sink = normalize(normalizer, "inline.json", json.getBytes(StandardCharsets.UTF_8));
        assertThat(sink.rejections()).as("rejections of %s", json).isEmpty();
        assertThat(sink.events()).hasSize(1);
        return sink.events().get(0);
    }
}
