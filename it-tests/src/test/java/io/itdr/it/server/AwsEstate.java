package io.itdr.it.server;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.fixture.aws.CloudTrailSandbox;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A small AWS account emulated by WireMock (stateful IAM and CloudTrail LookupEvents, from
 * connector-aws's test kit) with two IAM users: {@code ci-deployer}, shared by two workloads, and
 * {@code reports-exporter}, used by one. Both have one active access key and a known owner in
 * {@link #CATALOG}; their workloads run in 10.20.0.0/16.
 */
final class AwsEstate implements AutoCloseable {
    static final String ACCOUNT = "123456789012";
    static final String SHARED_USER = "ci-deployer";
    static final String SHARED_KEY = "AKIAE2ESHAREDKEY0001";
    static final String OWN_USER = "reports-exporter";
    static final String OWN_KEY = "AKIAE2EOWNEDKEY00002";
    static final String CATALOG = """
            identities:
              - match: "arn:aws:iam::*:user/ci-deployer"
                platform: aws
                owner: team-platform
                criticality: tier3
                consumers: [deploy-pipeline, nightly-backup]
                expected_sources:
                  cidrs: [10.20.0.0/16]
              - match: "arn:aws:iam::*:user/reports-exporter"
                platform: aws
                owner: team-reports
                criticality: tier3
                consumers: [reports]
                expected_sources:
                  cidrs: [10.20.0.0/16]
            """;
    static final String POLICY = """
            name: e2e-containment
            version: "1"
            mode: enforce
            maturity:
              level: defined
              ceilings:
                initial: notify
                developing: monitor
                defined: disable_credential
                optimized: disable_identity
            rules:
              - id: key-used-outside-its-workload
                description: an access key used from outside its workload's networks → disable the key
                when: finding.detector == 'token_replay'
                rung: disable_credential
                approval: auto
                tags: [OWASP-NHI2, T1550.001, RS.MI-01]
            """;

    final IamSandbox iam = new IamSandbox();
    final CloudTrailSandbox cloudTrail = new CloudTrailSandbox();
    final WireMockServer server;

    AwsEstate() {
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(iam, cloudTrail));
        server.start();
        iam.stubActions(server);
        cloudTrail.stub(server);
        IamSandbox.User shared = new IamSandbox.User();
        shared.keys.put(SHARED_KEY, "Active");
        iam.users.put(SHARED_USER, shared);
        IamSandbox.User own = new IamSandbox.User();
        own.keys.put(OWN_KEY, "Active");
        iam.users.put(OWN_USER, own);
    }

    /** The properties that point the real AWS connector at this estate. */
    Map<String, Object> connectorProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        String prefix = "itdr.connectors.aws.";
        properties.put(prefix + "enabled", "true");
        properties.put(prefix + "config.region", "us-east-1");
        properties.put(prefix + "config.access-key-id", "AKIDE2ETESTEXAMPLE01");
        properties.put(prefix + "config.secret-access-key", "e2e-test-secret");
        properties.put(prefix + "config.max-attempts", "1");
        for (String service : List.of("iam", "sts", "cloudtrail", "secretsmanager")) {
            properties.put(prefix + "endpoints." + service, server.baseUrl());
        }
        properties.put(prefix + "poll-interval", "1h");
        properties.put(prefix + "action-timeout", "20s");
        properties.put("itdr.endpoints.allow-loopback", "true"); // the emulation listens on this host
        return properties;
    }

    String keyStatus(String user, String key) {
        return iam.users.get(user).keys.get(key);
    }

    /** How many calls of {@code action} IAM received. */
    long calls(String action) {
        return IamSandbox.actions(server).stream().filter(action::equals).count();
    }

    /**
     * A CloudTrail log file (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html)
     * with one S3 call by {@code user} with {@code key} from {@code ip} at {@code time}.
     */
    static String trail(String user, String key, String ip, Instant time) {
        return "{\"Records\":[" + record(UUID.randomUUID().toString(), user, key, ip, time) + "]}";
    }

    /**
     * One CloudTrail record
     * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
     */
    static String record(String eventId, String user, String key, String ip, Instant time) {
        return """
                {"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAE2E%s",
                  "arn":"arn:aws:iam::%s:user/%s","accountId":"%s","accessKeyId":"%s","userName":"%s"},
                 "eventTime":"%s","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1",
                 "sourceIPAddress":"%s","userAgent":"aws-sdk-java/2.57.8","eventID":"%s",
                 "readOnly":true,"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"%s"}
                """.formatted(user.toUpperCase(java.util.Locale.ROOT).replace("-", ""), ACCOUNT, user, ACCOUNT, key, user, time, ip,
                eventId, ACCOUNT);
    }

    @Override
    public void close() {
        server.stop();
    }
}
