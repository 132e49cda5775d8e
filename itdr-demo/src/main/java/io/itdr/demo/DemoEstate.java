package io.itdr.demo;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.itdr.fixture.aws.IamSandbox;
import io.itdr.fixture.aws.SecretsManagerSandbox;
import io.itdr.fixture.aws.CloudTrailSandbox;
import io.itdr.fixture.aws.TrailBucketSandbox;
import io.itdr.fixture.aws.TrailQueueSandbox;
import io.itdr.fixture.okta.ManagementApiSandbox;
import io.itdr.fixture.okta.SystemLogSandbox;
import io.itdr.generate.EstateGenerator;
import io.itdr.generate.GeneratorSettings;
import io.itdr.generate.PlatformRecords;
import io.itdr.fixture.record.RawRecord;
import io.itdr.spi.event.IdentityEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A generated, production-like estate served by WireMock emulations of AWS and Okta, for the real
 * connectors to poll, inventory and act on: the demo of {@code bin/itdr-demo}, and the estate of
 * end-to-end tests.
 *
 * <ul>
 *   <li>The estate is {@link EstateGenerator}'s, with its attacks, shifted so that its telemetry ends
 *       at the start of the current hour of the injected clock: pollers see it as recent.</li>
 *   <li>AWS, on one server: an organization trail's S3 delivery ({@link TrailBucketSandbox}: one gzip
 *       log file per account and hour under {@code AWSLogs/<org>/<account>/CloudTrail/us-east-1/…},
 *       management and data events) announced by S3 event notifications on an SQS queue
 *       ({@link TrailQueueSandbox}), which the AWS connector polls ({@code telemetry=trail-sqs}); CloudTrail
 *       event history ({@link CloudTrailSandbox}: LookupEvents with StartTime/EndTime and NextToken paging)
 *       serving the management events only, as AWS does (for {@code telemetry=lookup-events}); both from
 *       the estate's AWS events rendered as CloudTrail records ({@link PlatformRecords}); IAM ({@link IamSandbox}) holding the estate's users with their access
 *       keys and its roles, in their own accounts; Secrets Manager ({@link SecretsManagerSandbox}) with
 *       the secret the catalog names for key rotation; STS GetCallerIdentity. The estate's GuardDuty
 *       findings reach the same queue after the trail's files, as "GuardDuty Finding" events of an
 *       EventBridge rule whose target is the queue ({@link #guardDutyEvents()}).</li>
 *   <li>Okta, on another: the System Log ({@link SystemLogSandbox}: {@code /api/v1/logs} with
 *       {@code since}, {@code after} and {@code next} links) serving the Okta events as LogEvents,
 *       and the Management API ({@link ManagementApiSandbox}) holding the estate's service apps with
 *       their client secrets.</li>
 *   <li>Google Cloud, on a third: the estate's projects ({@link GcpDemoProject}: Cloud Logging with its GCP events as
 *       audit log entries, IAM and Resource Manager with its service accounts and keys).</li>
 *   <li>Microsoft Entra and Azure, on a fourth: the estate's tenant ({@link AzureDemoTenant}: its Azure events as service
 *       principal sign-ins and directory audits in Graph, its service principals and app registrations with their client
 *       secrets, their role assignments in Resource Manager, and the tenant's token endpoint).</li>
 *   <li>GitHub and GitLab, on one server each: the estate's CI/CD organization ({@link GitHubDemoOrg}: the audit log, apps,
 *       deploy keys and fine-grained token grants, the connector signed in as a GitHub App) and group
 *       ({@link GitLabDemoGroup}: audit events, access tokens and their bot users).</li>
 * </ul>
 *
 * <p>One estate deviates from AWS on purpose: one IAM endpoint answers for the estate's three
 * accounts (each principal keeps its account in its ARN), where a real deployment has a connector per
 * account. The trail's events are all logged in us-east-1, where the generator puts them. The demo
 * trail writes one log file per account and hour, where CloudTrail writes one about every 5
 * minutes: the same records in a twelfth of the files, so that the connector reads a week of the
 * estate (one GetObject per file) within a minute of the demo's start.
 *
 * <p>Start and close from one thread; the servers answer on their own threads (the sandboxes
 * synchronize their state). Closing stops both servers.
 */
public final class DemoEstate implements AutoCloseable {
    /** The Okta org of the generated estate: the connector's org-url host, so polled events carry it as tenant. */
    public static final String OKTA_ORG = "example.okta.com";
    /** The estate's GitHub organization and GitLab group (the generator's CI/CD identities live there). */
    static final String GITHUB_ORG = "example-org";
    static final String GITLAB_GROUP = "example-group";
    /** The demo's Okta API token: the Management API sandbox's; it opens nothing but these emulations. */
    static final String OKTA_TOKEN = ManagementApiSandbox.TOKEN;
    /** The demo's organization trail: its bucket, organization and queue. */
    static final String TRAIL_BUCKET = "itdr-demo-org-trail";
    static final String TRAIL_ORG = "o-itdrdemo0001";
    static final String TRAIL_QUEUE = "/111122223333/itdr-demo-trail";
    /** What one demo log file holds: an hour of an account and region (CloudTrail writes one about every 5 minutes). */
    static final Duration TRAIL_FILE_SPAN = Duration.ofHours(1);
    private static final String HTTPS_CHECK_PROPERTY = "okta.testing.disableHttpsCheck";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What to generate.
     *
     * @param seed       the generator's seed
     * @param identities identities, at least {@link EstateGenerator#MIN_IDENTITIES}
     * @param days       days of telemetry, at least {@link EstateGenerator#MIN_DAYS} and at most 89
     *                   (CloudTrail and Okta keep 90 days)
     * @param directory  where the catalog is written; never null
     */
    public record Settings(long seed, int identities, int days, Path directory) {
        public Settings {
            Objects.requireNonNull(directory, "directory");
            if (days > 89) {
                throw new IllegalArgumentException("days must be at most 89 (CloudTrail and Okta keep 90 days), got " + days);
            }
        }

        /** 300 identities over 7 days, seed 7: loads in seconds. */
        public static Settings defaults(Path directory) {
            return new Settings(7, 300, 7, directory);
        }
    }

    /**
     * What the emulations serve.
     *
     * @param cloudTrailEvents CloudTrail records in the trail's S3 delivery (management and data events)
     * @param managementEvents of those, the management events, which event history (LookupEvents) also serves
     * @param trailFiles       log files in the trail's bucket, each announced by one SQS message
     * @param oktaLogEvents    LogEvents in the System Log
     * @param notServed        events of the estate no emulation serves (other platforms, GuardDuty findings)
     * @param iamUsers         IAM users, each with its access key
     * @param iamRoles         IAM roles
     * @param oktaApps         Okta service apps, each with its client secret
     * @param from             the first event's time
     * @param to               the end of the telemetry
     * @param attacks          injected attacks by family
     */
    public record Served(long cloudTrailEvents, long managementEvents, int trailFiles, long oktaLogEvents, long notServed, int iamUsers, int iamRoles, int oktaApps,
                         Instant from, Instant to, Map<String, Integer> attacks) {
        public Served {
            attacks = Map.copyOf(attacks);
        }
    }

    private final WireMockServer aws;
    private final WireMockServer okta;
    private final Path catalog;
    private final Served served;
    private final Settings settings;
    private final String previousHttpsCheck;
    private final List<RawRecord> guardDuty;
    private GcpDemoProject gcp;
    private AzureDemoTenant azure;
    private GitHubDemoOrg github;
    private GitLabDemoGroup gitlab;

    private DemoEstate(WireMockServer aws, WireMockServer okta, Path catalog, Served served, Settings settings, String previousHttpsCheck,
                       List<RawRecord> guardDuty) {
        this.guardDuty = List.copyOf(guardDuty);
        this.aws = aws;
        this.okta = okta;
        this.catalog = catalog;
        this.served = served;
        this.settings = settings;
        this.previousHttpsCheck = previousHttpsCheck;
    }

    /**
     * Generates the estate, seeds the emulations and starts them on free ports of 127.0.0.1.
     *
     * <p>Sets the system property {@code okta.testing.disableHttpsCheck=true} until {@link #close()}:
     * the Okta SDK talks plain http to the emulation only when told it is a test.
     *
     * @param clock "now": the telemetry ends at the start of its current hour; never null
     */
    public static DemoEstate start(Settings settings, Clock clock) throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        Instant end = clock.instant().truncatedTo(ChronoUnit.HOURS);
        Instant start = end.minus(Duration.ofDays(settings.days()));
        EstateGenerator generator = new EstateGenerator(new GeneratorSettings(settings.seed(), settings.identities(), settings.days(), start));
        Files.createDirectories(settings.directory());
        Path catalog = settings.directory().resolve("catalog.yaml");
        generator.writeCatalog(catalog);

        IamSandbox iam = new IamSandbox();
        SecretsManagerSandbox secrets = new SecretsManagerSandbox();
        CloudTrailSandbox cloudTrail = new CloudTrailSandbox();
        TrailBucketSandbox bucket = new TrailBucketSandbox();
        TrailQueueSandbox queue = new TrailQueueSandbox();
        TreeMap<String, TrailFile> trail = new TreeMap<>();
        SystemLogSandbox systemLog = new SystemLogSandbox(clock::instant, Set.of("SSWS " + OKTA_TOKEN));
        ManagementApiSandbox management = new ManagementApiSandbox();
        int[] principals = seedPrincipals(generator, iam, secrets, management);
        long[] counts = new long[4];
        List<RawRecord> guardDuty = new ArrayList<>();
        GcpDemoProject gcp = new GcpDemoProject();
        gcp.seed(generator.identities(), generator.gcpBindings());
        AzureDemoTenant azure = new AzureDemoTenant();
        azure.seed(generator.identities(), generator.criticalities());
        GitHubDemoOrg github = new GitHubDemoOrg(GITHUB_ORG, clock);
        github.seed(generator.identities());
        GitLabDemoGroup gitlab = new GitLabDemoGroup(GITLAB_GROUP);
        gitlab.seed(generator.identities());
        EstateGenerator.Summary summary = generator.stream((event, family) -> {
            if (event.platform().equals("gcp")) {
                gcp.add(event);
            } else if (event.platform().equals("azure")) {
                azure.add(event);
            } else if (event.platform().equals("github")) {
                github.add(event);
            } else if (event.platform().equals("gitlab")) {
                gitlab.add(event);
            } else {
                serve(event, cloudTrail, trail, systemLog, guardDuty, counts);
            }
        });

        String previousHttpsCheck = System.setProperty(HTTPS_CHECK_PROPERTY, "true");
        WireMockServer aws = null;
        WireMockServer okta = null;
        try {
            aws = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()
                    .extensions(iam, secrets, cloudTrail, bucket, queue));
            aws.start();
            bucket.stub(aws, TRAIL_BUCKET);
            queue.stub(aws);
            // delivered in the order of the files' times, as the notifications of a live trail arrive
            for (TrailFile file : trail.values()) {
                bucket.putLogFile(TRAIL_BUCKET, file.key, file.records);
                queue.send(TrailQueueSandbox.objectCreated(TRAIL_BUCKET, file.delivered, file.key));
            }
            // an EventBridge rule (source aws.guardduty) targets the same queue
            guardDuty.forEach(finding -> queue.send(eventBridgeEvent(finding).toString()));
            iam.stubActions(aws);
            secrets.stubActions(aws);
            cloudTrail.stub(aws);
            stubCallerIdentity(aws);
            okta = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().extensions(systemLog, management));
            okta.start();
            systemLog.stub(okta);
            management.stubOperations(okta);
            // https://developer.okta.com/docs/reference/error-codes/: an unknown resource (also keeps WireMock from
            // printing unmatched requests, headers and all)
            okta.stubFor(any(anyUrl()).atPriority(10).willReturn(SystemLogSandbox.error(404, "E0000007", "Not found: Resource not found")));
            gcp.start();
            azure.start();
            github.start();
            gitlab.start();
        } catch (RuntimeException e) {
            azure.close();
            gcp.close();
            github.close();
            gitlab.close();
            stop(aws, okta, previousHttpsCheck);
            throw e;
        }
        Served served = new Served(counts[0], counts[3], trail.size(), counts[1], counts[2], principals[0], principals[1], principals[2], start, end,
                summary.attacksByFamily());
        DemoEstate estate = new DemoEstate(aws, okta, catalog, served, settings, previousHttpsCheck, guardDuty);
        estate.gcp = gcp;
        estate.azure = azure;
        estate.github = github;
        estate.gitlab = gitlab;
        return estate;
    }

    /** Seeds IAM, Secrets Manager and the Okta org with the estate's identities; returns users, roles, apps. */
    private static int[] seedPrincipals(EstateGenerator generator, IamSandbox iam, SecretsManagerSandbox secrets,
                                        ManagementApiSandbox management) {
        int[] counts = new int[3];
        synchronized (iam) {
            for (EstateGenerator.GeneratedIdentity identity : generator.identities()) {
                if (identity.platform().equals("aws")) {
                    String arn = identity.ref().id();
                    String name = arn.substring(arn.lastIndexOf('/') + 1);
                    if ("iam_role".equals(identity.ref().kind())) {
                        IamSandbox.Role role = new IamSandbox.Role();
                        role.account = identity.tenant();
                        role.path = arn.substring(arn.indexOf(":role") + ":role".length(), arn.lastIndexOf('/') + 1);
                        iam.roles.put(name, role);
                        counts[1]++;
                    } else {
                        IamSandbox.User user = new IamSandbox.User();
                        user.account = identity.tenant();
                        user.keys.put(identity.credentialId(), "Active");
                        iam.users.put(name, user);
                        counts[0]++;
                    }
                    if (name.equals("payments-core")) {
                        // the catalog's secret_destination of the tier-0 service: where its rotated key goes
                        secrets.addSecret("arn:aws:secretsmanager:us-east-1:" + identity.tenant() + ":secret:payments-core-key",
                                "00000000-0000-4000-8000-000000000001", "{\"AccessKeyId\":\"" + identity.credentialId() + "\"}");
                    }
                }
            }
        }
        synchronized (management) {
            for (EstateGenerator.GeneratedIdentity identity : generator.identities()) {
                if (identity.platform().equals("okta") && "service_app".equals(identity.ref().kind())) {
                    ManagementApiSandbox.App app = new ManagementApiSandbox.App();
                    app.label = identity.ref().name();
                    app.secrets.put(identity.credentialId(), new ManagementApiSandbox.Credential());
                    management.apps.put(identity.ref().id(), app);
                    counts[2]++;
                }
            }
        }
        return counts;
    }

    /** One log file of the demo's organization trail: an account's events of one region and hour. */
    private static final class TrailFile {
        final String key;
        final Instant delivered;
        final List<String> records = new ArrayList<>();

        TrailFile(String key, Instant delivered) {
            this.key = key;
            this.delivered = delivered;
        }
    }

    /**
     * Adds one event to the history its platform's emulation serves; counts [CloudTrail, Okta, not
     * served, CloudTrail management].
     */
    private static void serve(IdentityEvent event, CloudTrailSandbox cloudTrail, Map<String, TrailFile> trail, SystemLogSandbox systemLog,
                              List<RawRecord> guardDuty, long[] counts) {
        RawRecord record = PlatformRecords.render(event).orElse(null);
        if (record == null || record.format() == RawRecord.Format.GUARDDUTY) {
            if (record != null) {
                guardDuty.add(record);
            }
            counts[2]++;
            return;
        }
        if (record.format() == RawRecord.Format.OKTA_LOG_EVENT) {
            systemLog.add(record.json(), record.time());
            counts[1]++;
            return;
        }
        ObjectNode r = parse(record.json());
        if (r.path("managementEvent").asBoolean(true)) {
            // event history holds management events only; LookupEvents lists whole seconds; the record's EventId is
            // the one event history gives it, in the trail's log file too
            cloudTrail.add(record.time().truncatedTo(ChronoUnit.SECONDS), r.get("eventSource").asText(), r.get("eventName").asText(),
                    id -> r.put("eventID", id).toString());
            counts[3]++;
        }
        // one log file per account, region and hour, delivered 5 minutes after the hour (see the class comment)
        String account = r.path("recipientAccountId").asText(r.path("userIdentity").path("accountId").asText("111122223333"));
        String region = r.path("awsRegion").asText("us-east-1");
        Instant delivered = record.time().truncatedTo(ChronoUnit.HOURS).plus(TRAIL_FILE_SPAN).plus(Duration.ofMinutes(5));
        String order = delivered + " " + account + " " + region;
        trail.computeIfAbsent(order, o -> new TrailFile(TrailBucketSandbox.logFileKey("", TRAIL_ORG, account, region, delivered,
                String.format("%016X", (long) o.hashCode() & 0xffffffffL)), delivered)).records.add(r.toString());
        counts[0]++;
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a rendered CloudTrail record is not JSON", e);
        }
    }

    /** STS GetCallerIdentity, as the connector's health check asks who it is. */
    private static void stubCallerIdentity(WireMockServer aws) {
        // https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html (response example)
        aws.stubFor(post(urlEqualTo("/")).withRequestBody(matching(IamSandbox.actionPattern("GetCallerIdentity")))
                .willReturn(aResponse().withHeader("Content-Type", "text/xml").withBody(
                        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
                                + "<Arn>arn:aws:iam::111122223333:user/itdr-demo</Arn><UserId>AIDADEMOITDR</UserId>"
                                + "<Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>"
                                + "01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>")));
        // https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html: an operation the emulation does not know
        aws.stubFor(any(anyUrl()).atPriority(10).withHeader("X-Amz-Target", absent()).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "text/xml").withBody("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>"
                        + "<Message>The action or operation requested is invalid.</Message></Error></ErrorResponse>")));
        // https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/CommonErrors.html
        aws.stubFor(any(anyUrl()).atPriority(10).withHeader("X-Amz-Target", matching(".+"))
                .willReturn(CloudTrailSandbox.error(400, "UnknownOperationException", "The operation is not known.")));
    }

    /**
     * The server properties that point the real connectors at the emulations:
     * {@code itdr.connectors.<aws|okta>.enabled}, {@code .config.<property>} (the connectors' own
     * property names: credentials of the emulations, region, org-url, lookbacks covering the whole
     * estate, no settle delay; AWS telemetry from the trail's SQS queue), {@code .endpoints.<service>} (aws: iam, sts, cloudtrail, s3, sqs,
     * secretsmanager; okta: okta) and {@code .poll-interval}.
     */
    public Map<String, String> properties() {
        String lookback = (settings.days() + 1) + "d";
        Map<String, String> p = new LinkedHashMap<>();
        String a = "itdr.connectors.aws.";
        p.put(a + "enabled", "true");
        p.put(a + "config.region", "us-east-1");
        p.put(a + "config.access-key-id", "AKIADEMOITDR00000001");
        p.put(a + "config.secret-access-key", "demo-emulation-only");
        // the organization trail's S3 delivery through SQS: management and data events of every account
        p.put(a + "config.telemetry", "trail-sqs");
        p.put(a + "config.trail-bucket", TRAIL_BUCKET);
        p.put(a + "config.trail-queue-url", awsEndpoint() + TRAIL_QUEUE);
        // for telemetry=lookup-events (management events only)
        p.put(a + "config.cloudtrail-lookback", lookback);
        p.put(a + "config.cloudtrail-settle-delay", "0s");
        for (String service : new String[]{"iam", "sts", "cloudtrail", "secretsmanager", "s3", "sqs"}) {
            p.put(a + "endpoints." + service, awsEndpoint().toString());
        }
        p.put(a + "poll-interval", "5s");
        String o = "itdr.connectors.okta.";
        p.put(o + "enabled", "true");
        p.put(o + "config.org-url", "https://" + OKTA_ORG);
        p.put(o + "config.api-token", OKTA_TOKEN);
        p.put(o + "config.system-log-lookback", lookback);
        p.put(o + "endpoints.okta", oktaEndpoint().toString());
        p.put(o + "poll-interval", "5s");
        p.putAll(gcp.properties(lookback));
        p.putAll(azure.properties(lookback));
        p.putAll(github.properties(lookback));
        p.putAll(gitlab.properties(lookback));
        // the emulations listen on this host: loopback endpoints are refused unless allowed
        p.put("itdr.endpoints.allow-loopback", "true");
        return Map.copyOf(p);
    }

    /**
     * The estate's GuardDuty findings as EventBridge delivers them ("GuardDuty Finding" events,
     * https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html), one per
     * line: the payload for {@code POST /api/v1/ingest/aws}. Empty lines when the estate has none.
     */
    public String guardDutyEvents() {
        StringBuilder lines = new StringBuilder();
        for (RawRecord finding : guardDuty) {
            lines.append(eventBridgeEvent(finding)).append('\n');
        }
        return lines.toString();
    }

    /** A finding as an EventBridge "GuardDuty Finding" event. */
    private static ObjectNode eventBridgeEvent(RawRecord finding) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode detail = parse(finding.json());
        event.put("version", "0");
        event.put("id", UUID.nameUUIDFromBytes(finding.eventId().getBytes(StandardCharsets.UTF_8)).toString());
        event.put("detail-type", "GuardDuty Finding");
        event.put("source", "aws.guardduty");
        event.put("account", detail.path("accountId").asText());
        event.put("time", finding.time().truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", detail.path("region").asText());
        event.putArray("resources");
        event.set("detail", detail);
        return event;
    }

    /** How many GuardDuty findings {@link #guardDutyEvents()} holds. */
    public int guardDutyFindings() {
        return guardDuty.size();
    }

    /** The identity catalog of the estate (owners, criticality, consumers, expected sources). */
    public Path catalog() {
        return catalog;
    }

    public Served served() {
        return served;
    }

    /**
     * IAM, STS, CloudTrail, SQS and Secrets Manager, all on {@code POST /}, told apart by Action= or
     * X-Amz-Target; the trail's bucket path-style on {@code GET /itdr-demo-org-trail…}.
     */
    public URI awsEndpoint() {
        return URI.create(aws.baseUrl());
    }

    /** The Okta org: System Log and Management API. */
    public URI oktaEndpoint() {
        return URI.create(okta.baseUrl());
    }

    /** The estate's Google Cloud projects. */
    GcpDemoProject gcpProject() {
        return gcp;
    }

    /** The estate's Microsoft Entra tenant and Azure subscription. */
    AzureDemoTenant azureTenant() {
        return azure;
    }

    /** The estate's GitHub organization. */
    GitHubDemoOrg gitHubOrg() {
        return github;
    }

    /** The estate's GitLab group. */
    GitLabDemoGroup gitLabGroup() {
        return gitlab;
    }

    @Override
    public void close() {
        azure.close();
        gcp.close();
        github.close();
        gitlab.close();
        stop(aws, okta, previousHttpsCheck);
    }

    private static void stop(WireMockServer aws, WireMockServer okta, String previousHttpsCheck) {
        try {
            if (aws != null && aws.isRunning()) {
                aws.stop();
            }
            if (okta != null && okta.isRunning()) {
                okta.stop();
            }
        } finally {
            if (previousHttpsCheck == null) {
                System.clearProperty(HTTPS_CHECK_PROPERTY);
            } else {
                System.setProperty(HTTPS_CHECK_PROPERTY, previousHttpsCheck);
            }
        }
    }
}
