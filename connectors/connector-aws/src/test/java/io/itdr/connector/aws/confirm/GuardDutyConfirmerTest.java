package io.itdr.connector.aws.confirm;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.telemetry.Confirmation;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * A pushed GuardDuty finding confirmed by reading it back with GetFindings, against a simulation of
 * GuardDuty's documented wire format: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_GetFindings.html
 * (request {@code POST /detector/{detectorId}/findings/get}, body {@code {"findingIds":[…]}}; response
 * {@code {"findings":[Finding]}}, Finding per https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Finding.html).
 */
class GuardDutyConfirmerTest {
    private static final String DETECTOR = "12abc34d567e8fa901bc2d34e56789f0";
    private static final String FINDING = "60baffd3f9042e38640f2300d5c5a631";
    private static final String TYPE = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS";
    private static final String PATH = "/detector/" + DETECTOR + "/findings/get";

    private WireMockServer guardDuty;
    private SdkHttpClient http;
    private GuardDutyConfirmer confirmer;

    @BeforeEach
    void start() {
        guardDuty = new WireMockServer(wireMockConfig().dynamicPort());
        guardDuty.start();
        http = ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(5)).connectionTimeout(Duration.ofSeconds(5)).build();
        GuardDutyFindings findings = new GuardDutyFindings(http,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAITDRTEST", "secret-for-signing-only")),
                Optional.of(URI.create(guardDuty.baseUrl())));
        confirmer = new GuardDutyConfirmer(findings, "us-east-1");
    }

    @AfterEach
    void stop() {
        http.close();
        guardDuty.stop();
    }

    /** GetFindings answering with the finding (API_GetFindings.html, Response Syntax; fields per API_Finding.html). */
    private void guardDutyHolds(String type, String accessKeyId) {
        guardDuty.stubFor(post(urlEqualTo(PATH)).withRequestBody(equalToJson("{\"findingIds\":[\"" + FINDING + "\"]}"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                        {"findings":[{"accountId":"111122223333","arn":"arn:aws:guardduty:us-east-1:111122223333:detector/%s/finding/%s",
                          "createdAt":"2026-11-02T09:58:00.000Z","id":"%s","partition":"aws","region":"us-east-1",
                          "resource":{"resourceType":"AccessKey","accessKeyDetails":{"accessKeyId":"%s","principalId":"AIDAEXAMPLE",
                          "userName":"svc-orders","userType":"IAMUser"}},
                          "schemaVersion":"2.0","service":{"detectorId":"%s","serviceName":"guardduty","count":1},
                          "severity":8.0,"title":"Credentials used from outside AWS","type":"%s","updatedAt":"2026-11-02T10:00:00.000Z"}]}
                        """.formatted(DETECTOR, FINDING, FINDING, accessKeyId, DETECTOR, type))));
    }

    private static IdentityEvent pushed(String type) {
        return IdentityEvent.builder(FINDING + "@2026-11-02T10:00:00.000Z", Instant.parse("2026-11-02T10:00:00Z"), "aws",
                        IdentityRef.of("svc-orders"))
                .credential(new CredentialRef("AKIAORDERS0000000001", "access_key"))
                .category(EventCategory.PLATFORM_FINDING).action("guardduty:" + type)
                .finding(new PlatformFinding(type, 0.8, "8.0", "Credentials used from outside AWS"))
                .attributes(Map.of("finding_id", FINDING, "detector_id", DETECTOR, "aws_region", "us-east-1"))
                .build();
    }

    @Test
    void aFindingGuardDutyHoldsAsPushedIsConfirmedWithASignedRequest() {
        guardDutyHolds(TYPE, "AKIAORDERS0000000001");

        Confirmation answer = confirmer.confirm(pushed(TYPE));

        assertThat(answer.status()).isEqualTo(Confirmation.Status.CONFIRMED);
        assertThat(answer.detail()).contains(FINDING).contains("severity 8.0");
        guardDuty.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", matching("AWS4-HMAC-SHA256 Credential=AKIAITDRTEST/\\d{8}/us-east-1/guardduty/aws4_request, .*")));
    }

    @Test
    void anInventedFindingIdIsRefuted() {
        // GetFindings answers an unknown id with an empty list (API_GetFindings.html: findings, array of Finding)
        guardDuty.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"findings\":[]}")));

        assertThat(confirmer.confirm(pushed(TYPE)).status()).isEqualTo(Confirmation.Status.REFUTED);
    }

    @Test
    void aRealFindingRetoldAboutAnotherKeyOrTypeIsRefuted() {
        guardDutyHolds(TYPE, "AKIAOTHERKEY00000001");
        assertThat(confirmer.confirm(pushed(TYPE))).satisfies(c -> {
            assertThat(c.status()).isEqualTo(Confirmation.Status.REFUTED);
            assertThat(c.detail()).contains("AKIAOTHERKEY00000001");
        });
        guardDuty.resetAll();
        guardDutyHolds("Recon:IAMUser/UserPermissions", "AKIAORDERS0000000001");
        assertThat(confirmer.confirm(pushed(TYPE)).status()).isEqualTo(Confirmation.Status.REFUTED);
    }

    @Test
    void anUnknownDetectorIsRefuted() {
        // API_GetFindings.html, Errors: BadRequestException, HTTP 400 (e.g. the detector id does not exist)
        guardDuty.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"The request is rejected because the input detectorId is not owned by the current account.\","
                        + "\"__type\":\"InvalidInputException\"}")));

        assertThat(confirmer.confirm(pushed(TYPE)).status()).isEqualTo(Confirmation.Status.REFUTED);
    }

    @Test
    void noPermissionOrThrottlingLeavesTheFindingUnconfirmed() {
        // API_GetFindings.html, Errors: AccessDeniedException 403; CommonErrors.html: ThrottlingException 429
        guardDuty.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"User is not authorized to perform: guardduty:GetFindings\",\"__type\":\"AccessDeniedException\"}")));
        assertThat(confirmer.confirm(pushed(TYPE))).satisfies(c -> {
            assertThat(c.status()).isEqualTo(Confirmation.Status.UNAVAILABLE);
            assertThat(c.detail()).startsWith("PERMISSION_DENIED");
        });
        guardDuty.resetAll();
        guardDuty.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                .withBody("{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}")));
        assertThat(confirmer.confirm(pushed(TYPE)).detail()).startsWith("THROTTLED");
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aTransportFaultLeavesTheFindingUnconfirmedAndThrowsNothing(Fault fault) {
        guardDuty.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withFault(fault)));

        Confirmation answer = confirmer.confirm(pushed(TYPE));

        assertThat(answer.status()).as(fault + ": " + answer.detail()).isNotEqualTo(Confirmation.Status.CONFIRMED);
    }

    @Test
    void aPushWithoutADetectorIsUnconfirmedWithoutAsking() {
        IdentityEvent noDetector = IdentityEvent.builder("x", Instant.parse("2026-11-02T10:00:00Z"), "aws", IdentityRef.of("svc-orders"))
                .category(EventCategory.PLATFORM_FINDING).finding(new PlatformFinding(TYPE, 0.8, "8.0", null))
                .attributes(Map.of("finding_id", FINDING)).build();

        assertThat(confirmer.confirm(noDetector).status()).isEqualTo(Confirmation.Status.UNAVAILABLE);
        assertThat(guardDuty.getAllServeEvents()).isEmpty();
    }
}
