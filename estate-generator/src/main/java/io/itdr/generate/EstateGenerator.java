package io.itdr.generate;

import static io.itdr.fixture.record.Rendering.mix;

import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.Geo;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.PlatformFinding;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.SessionInfo;
import io.itdr.spi.event.Source;
import io.itdr.spi.event.Workload;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Writes a deterministic, production-like estate of non-human identities and its telemetry, with
 * injected attacks and ground-truth labels, so a policy can be replayed before it is enforced.
 *
 * <p>What is modelled is what real estates do, cited beside the code (AWS in {@link AwsEstate}),
 * never what a detector fires on:
 * <ul>
 *   <li>AWS: IAM users sign with long-term keys ({@code AKIA…}, no session); temporary keys only
 *       after the STS call that issued them, which is in the trail (GetSessionToken by users, EC2,
 *       Lambda and ECS delivering role credentials, GitHub Actions' AssumeRoleWithWebIdentity).
 *       Workloads are named as CloudTrail names them: instance ids, function ARNs, task ARNs; the
 *       catalog names the applications. Calls leave through several NAT gateways, VPC endpoints
 *       (private address and {@code vpcEndpointId}) or are made by a service on the principal's
 *       behalf ({@code s3.amazonaws.com}, {@code AWS Internal}); SDK versions move with deploys.
 *       Data events exist only in accounts whose trail selects them.</li>
 *   <li>Okta: service apps use the client-credentials grant: token grants, no session
 *       (https://developer.okta.com/docs/guides/implement-grant-type/clientcreds/main/), and the
 *       writes a provisioning app makes; reads are not in the System Log.</li>
 *   <li>Benign work that looks like attacks, labelled benign: CI jobs from many runners and
 *       regions, Terraform changing role policies from the CI role, access-key rotation by the
 *       owner's pipeline (CreateAccessKey, the app switching, UpdateAccessKey, DeleteAccessKey:
 *       https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#rotating_access_keys_console),
 *       break-glass administration at night with an MFA session, operators trying a new tool.</li>
 *   <li>Attacks (labelled malicious, with their family): a stolen session key used elsewhere while
 *       the workload still uses it (token_replay), a stolen long-term key or client secret used by
 *       someone else (access_key_theft), a key used far away minutes apart (impossible_travel),
 *       a dormant key used again (dormant_reactivated), an administrator policy attached and used
 *       (privilege_change_then_use), a workload's credentials used from outside
 *       (outside_workload), and GuardDuty's finding on instance credentials used outside AWS, at the
 *       severity GuardDuty documents for it, with the calls it is about (platform_finding).</li>
 *   <li>Google Cloud ({@link GcpEstate}): a CI pipeline impersonating the deployer and rotating a key (benign); a
 *       service-account key exfiltrated and used elsewhere (access_key_theft), then an impersonation chain from it to
 *       roles/owner (impersonation_chain).</li>
 * </ul>
 *
 * <p>Output in the given directory: {@code events.jsonl} (normalized events, ordered by time),
 * {@code catalog.yaml} (the identity catalog), {@code labels.jsonl} (one label per event:
 * {@code {"event_id":..,"label":"malicious"|"benign","family":..}}). Memory stays bounded by one
 * hour of events, so millions of identities can be generated for benchmarks. The same settings
 * always give the same bytes.
 *
 * <p>Not thread-safe; use one instance per run.
 */
public final class EstateGenerator {
    public static final int MIN_IDENTITIES = 100;
    public static final int MIN_DAYS = 3;

    /** Attack families: what the attacker does (see the class comment). */
    public static final List<String> FAMILIES = List.of("token_replay", "access_key_theft", "impossible_travel",
            "dormant_reactivated", "privilege_change_then_use", "outside_workload", "platform_finding", "impersonation_chain");

    enum Archetype { PAYMENTS, SHARED, CI_RUNNER, SERVICE, ORPHAN, DORMANT, UNMAPPED, BREAK_GLASS }

    /** A place a workload runs or an attacker sits: network, AS and coordinates. */
    record Site(String net, long asn, String asOrg, String country, String region, String city, double lat, double lon) {
        Geo geo() {
            return new Geo(country, region, city, lat, lon);
        }

        String ip(int host) {
            return net + (1 + Math.floorMod(host, 250));
        }
    }

    record Home(Site site, String consumer, String userAgent) {
    }

    /**
     * Where an AWS identity's calls come from: its workloads as CloudTrail names them (empty for an
     * IAM user's key), the public addresses its calls leave by, its VPC endpoint and private network
     * (null when it has none), and its SDK.
     */
    record Egress(List<Workload> workloads, List<String> publicAddresses, String vpcEndpoint, String privateNet, int sdk) {
    }

    /** One generated identity; signing and egress are null off AWS. */
    record Identity(int index, Archetype type, String platform, String tenant, IdentityRef ref, String credentialId,
                    String credentialKind, String owner, String tier, String lifecycle, List<Home> homes,
                    boolean expectedSourcesStated, double eventsPerHour, AwsEstate.Signing signing, Egress egress) {
        String key() {
            return IdentityEvent.identityKey(platform, tenant, ref.id());
        }

        boolean isRole() {
            return ref.kind().equals("iam_role");
        }
    }

    /** An injected attack: its events, who it hits, and the window in which the victim's own traffic pauses. */
    record Attack(String family, Identity victim, List<IdentityEvent> events, Instant quietFrom, Instant quietTo) {
    }

    private static final List<Site> CLOUD_SITES = List.of(
            new Site("10.20.", 16509, "AMAZON-02", "US", "us-east-1", "Ashburn", 39.04, -77.49),
            new Site("10.21.", 16509, "AMAZON-02", "US", "us-west-2", "Boardman", 45.84, -119.70),
            new Site("10.22.", 15169, "GOOGLE", "US", "us-central1", "Council Bluffs", 41.26, -95.86),
            new Site("10.23.", 8075, "MICROSOFT-CORP", "US", "eastus", "Boydton", 36.67, -78.39));
    /** The company's office egress (break-glass work) and a data centre for keys used outside AWS. */
    private static final Site OFFICE = new Site("198.51.100.", 64500, "EXAMPLE-CORP", "US", "NY", "New York", 40.71, -74.01);
    private static final Site DATA_CENTRE = new Site("192.0.2.", 64501, "EXAMPLE-DC", "US", "IL", "Chicago", 41.88, -87.63);
    private static final Site ATTACKER_FRANKFURT = new Site("185.220.101.", 205100, "F3 NETZE", "DE", "HE", "Frankfurt", 50.11, 8.68);
    private static final Site ATTACKER_SINGAPORE = new Site("45.76.180.", 20473, "AS-CHOOPA", "SG", "SG", "Singapore", 1.35, 103.82);
    private static final Site ATTACKER_SAO_PAULO = new Site("177.54.150.", 262287, "MAXIHOST", "BR", "SP", "Sao Paulo", -23.55, -46.63);
    private static final Site ATTACKER_VIRGINIA = new Site("203.0.113.", 14061, "DIGITALOCEAN", "US", "VA", "Ashburn", 39.04, -77.49);

    private static final String[] PLATFORMS = {"aws", "aws", "aws", "aws", "okta", "okta", "gcp", "gcp", "azure", "azure"};
    private static final Map<String, String[]> ACTIONS = Map.of(
            "aws", new String[]{"s3:GetObject", "s3:PutObject", "sqs:SendMessage", "dynamodb:Query", "kms:Decrypt",
                    "secretsmanager:GetSecretValue", "sqs:ReceiveMessage", "dynamodb:PutItem"},
            // what a provisioning app's client-credentials token writes, as the System Log records it
            "okta", new String[]{"user.account.update_profile", "user.lifecycle.create", "group.user_membership.add"},
            "gcp", new String[]{"storage.objects.get", "pubsub.topics.publish", "bigquery.jobs.create", "secretmanager.versions.access"},
            "azure", new String[]{"Microsoft.Storage/storageAccounts/read", "Microsoft.KeyVault/vaults/secrets/read", "Microsoft.Graph/users/read"});
    private static final Map<String, String> AUTH_ACTION = Map.of(
            "aws", "sts:GetSessionToken", "okta", "app.oauth2.as.token.grant.access_token", "gcp", "iamcredentials.generateAccessToken",
            "azure", "servicePrincipal.signIn");
    private static final String[] TEAMS = {"team-payments", "team-identity", "team-data", "team-platform", "team-web",
            "team-mobile", "team-search", "team-billing", "team-ml", "team-ops"};

    private final GeneratorSettings settings;
    private final List<Identity> identities = new ArrayList<>();
    private final List<Attack> attacks = new ArrayList<>();

    /** The CI role of each AWS account: the pipeline that rotates its users' keys. */
    private final Map<String, Identity> pipelines = new HashMap<>();
    /** Google Cloud's impersonation, key rotation and attacks ({@link GcpEstate}); set with the attacks. */
    private GcpEstate gcp;
    /** The CI/CD identities on GitHub and GitLab, with their own randomness (appended: the rest stays as it was). */
    private final CiEstate ci;

    public EstateGenerator(GeneratorSettings settings) {
        this.settings = settings;
        buildIdentities();
        identities.stream().filter(i -> i.type() == Archetype.CI_RUNNER).forEach(i -> pipelines.putIfAbsent(i.tenant(), i));
        buildAttacks();
        ci = new CiEstate(settings);
    }

    /** Counts of what was written. */
    public record Summary(long events, long maliciousEvents, int identities, Map<String, Integer> attacksByFamily,
                          Map<String, Integer> identitiesByArchetype) {
    }

    /**
     * Receives the estate's events in time order, each with its ground truth. Called on the
     * generating thread only.
     */
    @FunctionalInterface
    public interface EventSink {
        /**
         * @param event  the event; never null
         * @param family the attack family (one of {@link #FAMILIES}) when the event is malicious; null when benign
         */
        void accept(IdentityEvent event, String family) throws IOException;
    }

    /**
     * One identity of the estate as the platform knows it: for seeding simulated platforms with it.
     * {@code credentialId} is the long-term credential the identity holds when the estate begins (an
     * IAM user's first access key, an app's client secret); null for an AWS role, which has no
     * access keys (its sessions' temporary keys are issued in the telemetry).
     */
    public record GeneratedIdentity(String platform, String tenant, IdentityRef ref, String credentialId, String credentialKind,
                                    String owner, String lifecycle) {
        public GeneratedIdentity {
            Objects.requireNonNull(platform, "platform");
            Objects.requireNonNull(ref, "ref");
        }
    }

    /** The estate's identities, in generation order; owner may be null (an orphan), tenant is never null. */
    public List<GeneratedIdentity> identities() {
        return identities.stream().map(i -> new GeneratedIdentity(i.platform(), i.tenant(), i.ref(), i.credentialId(),
                i.credentialKind(), i.owner(), i.lifecycle())).collect(java.util.stream.Collectors.collectingAndThen(
                java.util.stream.Collectors.toCollection(ArrayList::new), all -> {
                    all.addAll(ci.identities());
                    return List.copyOf(all);
                }));
    }

    /**
     * Each identity's criticality as the catalog states it (tier0 to tier3), by platform id: for simulated platforms
     * that carry it on the identity itself (an Entra service principal's tags).
     */
    public Map<String, String> criticalities() {
        Map<String, String> tiers = new LinkedHashMap<>();
        identities.forEach(i -> tiers.put(i.ref().id(), i.tier()));
        return tiers;
    }

    /** The IAM bindings the estate's Google Cloud projects begin with, for seeding simulated projects with them. */
    public List<GcpEstate.Binding> gcpBindings() {
        return gcp.bindings();
    }

    /** Writes events.jsonl, catalog.yaml and labels.jsonl into {@code dir} (created if missing). */
    public Summary generate(Path dir) throws IOException {
        return generate(dir, (event, family) -> {
        });
    }

    /**
     * Writes events.jsonl, catalog.yaml and labels.jsonl into {@code dir} (created if missing), and
     * hands every event also to {@code also} (another rendering of the same estate) as it is written.
     */
    public Summary generate(Path dir, EventSink also) throws IOException {
        Objects.requireNonNull(also, "also");
        Files.createDirectories(dir);
        writeCatalog(dir.resolve("catalog.yaml"));
        try (Writer events = Files.newBufferedWriter(dir.resolve("events.jsonl"), StandardCharsets.UTF_8);
             Writer labels = Files.newBufferedWriter(dir.resolve("labels.jsonl"), StandardCharsets.UTF_8)) {
            return stream((e, family) -> {
                events.write(EstateJson.write(e));
                events.write('\n');
                labels.write(label(e.id(), family));
                also.accept(e, family);
            });
        }
    }

    /** One line of labels.jsonl: {@code {"event_id":..,"label":"malicious"|"benign","family":..}}. */
    public static String label(String eventId, String family) {
        return "{\"event_id\":\"" + eventId + "\",\"label\":\"" + (family == null ? "benign" : "malicious") + "\""
                + (family == null ? "" : ",\"family\":\"" + family + "\"") + "}\n";
    }

    /**
     * Hands the estate's events to {@code sink} in time order (ties by id), hour by hour, without
     * writing anything: memory stays bounded by one hour of events.
     */
    public Summary stream(EventSink sink) throws IOException {
        Objects.requireNonNull(sink, "sink");
        long[] counts = new long[2];
        Map<String, String> maliciousFamily = new HashMap<>();
        Map<Integer, List<IdentityEvent>> attackEventsByHour = new HashMap<>();
        for (Attack a : attacks) {
            for (IdentityEvent e : a.events()) {
                if (!"benign".equals(e.attributes().get("itdr.label"))) {
                    maliciousFamily.put(e.id(), a.family());
                }
                int hour = (int) Duration.between(settings.start(), e.time()).toHours();
                attackEventsByHour.computeIfAbsent(hour, h -> new ArrayList<>()).add(withoutLabelHint(e));
            }
        }
        List<CiEstate.CiAttack> ciAttacks = ci.attacks();
        for (CiEstate.CiAttack a : ciAttacks) {
            for (IdentityEvent e : a.events()) {
                if (!a.benign().contains(e.id())) {
                    maliciousFamily.put(e.id(), a.family());
                }
                attackEventsByHour.computeIfAbsent((int) Duration.between(settings.start(), e.time()).toHours(), h -> new ArrayList<>()).add(e);
            }
        }
        int hours = settings.days() * 24;
        List<IdentityEvent> slice = new ArrayList<>();
        for (int hour = 0; hour < hours; hour++) {
            slice.clear();
            Instant from = settings.start().plus(Duration.ofHours(hour));
            for (Identity identity : identities) {
                benignHour(identity, hour, from, slice);
            }
            ci.hour(hour, from, slice);
            slice.addAll(attackEventsByHour.getOrDefault(hour, List.of()));
            slice.sort(Comparator.comparing(IdentityEvent::time).thenComparing(IdentityEvent::id));
            for (IdentityEvent e : slice) {
                String family = maliciousFamily.get(e.id());
                sink.accept(e, family);
                counts[0]++;
                if (family != null) {
                    counts[1]++;
                }
            }
        }
        Map<String, Integer> byFamily = new LinkedHashMap<>();
        attacks.forEach(a -> byFamily.merge(a.family(), 1, Integer::sum));
        ciAttacks.forEach(a -> byFamily.merge(a.family(), 1, Integer::sum));
        Map<String, Integer> byType = new LinkedHashMap<>();
        identities.forEach(i -> byType.merge(i.type().name().toLowerCase(Locale.ROOT), 1, Integer::sum));
        byType.put("ci_cd", ci.identities().size());
        // the CI/CD identities are listed by type (ci_cd) beside the requested number, which they do not change
        return new Summary(counts[0], counts[1], identities.size(), byFamily, byType);
    }

    // ---------------------------------------------------------------- identities

    private void buildIdentities() {
        SplittableRandom random = new SplittableRandom(settings.seed());
        int n = settings.identities();
        for (int i = 0; i < n; i++) {
            Archetype type = archetypeOf(i, n);
            String platform = switch (type) {
                case PAYMENTS, SHARED, CI_RUNNER, BREAK_GLASS -> "aws";
                default -> PLATFORMS[random.nextInt(PLATFORMS.length)];
            };
            identities.add(identity(i, type, platform, random));
        }
    }

    /** Fixed positions for the special identities, then a deterministic mix by index. */
    static Archetype archetypeOf(int i, int n) {
        if (i == 0) {
            return Archetype.PAYMENTS;
        }
        if (i == 1 || i == 2) {
            return Archetype.SHARED;
        }
        if (i == 4) {
            return Archetype.BREAK_GLASS;
        }
        return switch (i % 20) {
            case 3, 7, 11 -> Archetype.CI_RUNNER;
            case 5 -> Archetype.ORPHAN;
            case 9 -> Archetype.DORMANT;
            case 13 -> Archetype.UNMAPPED;
            default -> Archetype.SERVICE;
        };
    }

    /** How an AWS identity of this archetype signs: people and legacy apps hold keys, workloads hold roles. */
    private static AwsEstate.Signing signingOf(Archetype type, int i) {
        return switch (type) {
            case PAYMENTS -> AwsEstate.Signing.INSTANCE_PROFILE;
            case CI_RUNNER -> AwsEstate.Signing.GITHUB_OIDC;
            case BREAK_GLASS -> AwsEstate.Signing.SESSION_TOKEN;
            case SHARED, ORPHAN, DORMANT, UNMAPPED -> AwsEstate.Signing.LONG_TERM_KEY;
            default -> switch (i % 5) {
                case 0 -> AwsEstate.Signing.LONG_TERM_KEY;
                case 1 -> AwsEstate.Signing.INSTANCE_PROFILE;
                case 2 -> AwsEstate.Signing.LAMBDA;
                case 3 -> AwsEstate.Signing.ECS_TASK;
                default -> i % 2 == 0 ? AwsEstate.Signing.SESSION_TOKEN : AwsEstate.Signing.INSTANCE_PROFILE;
            };
        };
    }

    private Identity identity(int i, Archetype type, String platform, SplittableRandom random) {
        String tenant = switch (platform) {
            // break glass sits in the production account it would repair
            case "aws" -> type == Archetype.BREAK_GLASS ? AwsEstate.ACCOUNTS.get(0) : AwsEstate.ACCOUNTS.get(i % 3);
            case "okta" -> "example.okta.com";
            case "gcp" -> "prod-" + (i % 2 == 0 ? "core" : "data");
            default -> "contoso.onmicrosoft.com";
        };
        String name = switch (type) {
            case PAYMENTS -> "payments-core";
            case SHARED -> "shared-etl-" + i;
            case CI_RUNNER -> "ci-deploy-" + i;
            case ORPHAN -> "legacy-sync-" + i;
            case DORMANT -> "old-report-" + i;
            case UNMAPPED -> "adhoc-script-" + i;
            case BREAK_GLASS -> "break-glass-admin";
            default -> "svc-" + i;
        };
        String hex = String.format("%016X", mix(settings.seed(), i));
        AwsEstate.Signing signing = platform.equals("aws") ? signingOf(type, i) : null;
        IdentityRef ref;
        String credentialId;
        String credentialKind;
        switch (platform) {
            case "aws" -> {
                boolean role = signing != AwsEstate.Signing.LONG_TERM_KEY && signing != AwsEstate.Signing.SESSION_TOKEN;
                // Lambda execution roles live under service-role/ as the console creates them: ARNs keep the path
                String path = signing == AwsEstate.Signing.LAMBDA ? "role/service-role/" : role ? "role/" : "user/";
                ref = new IdentityRef("arn:aws:iam::" + tenant + ":" + path + name, role ? "iam_role" : "iam_user", name);
                // roles have no access keys: their credential is each session's temporary key
                credentialId = role ? null : AwsEstate.accessKey(settings.seed(), ref.id(), 0);
                credentialKind = role ? null : "access_key";
            }
            case "okta" -> {
                ref = new IdentityRef("0oa" + hex.toLowerCase(Locale.ROOT), "service_app", name);
                credentialId = "ocs" + hex.toLowerCase(Locale.ROOT);
                credentialKind = "client_secret";
            }
            case "gcp" -> {
                ref = new IdentityRef(name + "@" + tenant + ".iam.gserviceaccount.com", "service_account", name);
                credentialId = hex.toLowerCase(Locale.ROOT) + "a1b2";
                credentialKind = "service_account_key";
            }
            default -> {
                ref = new IdentityRef(uuid(i), "service_principal", name);
                credentialId = uuid(i + 1_000_000_007L);
                credentialKind = "client_secret";
            }
        }
        String owner = switch (type) {
            case PAYMENTS -> "team-payments";
            case ORPHAN -> null;
            case CI_RUNNER, BREAK_GLASS -> "team-platform";
            default -> TEAMS[random.nextInt(TEAMS.length)];
        };
        String tier = switch (type) {
            case PAYMENTS, BREAK_GLASS -> "tier0";
            case SHARED -> "tier1";
            case CI_RUNNER -> "tier2";
            default -> random.nextInt(3) == 0 ? "tier3" : "tier2";
        };
        String lifecycle = type == Archetype.DORMANT ? "dormant" : "active";
        Site site = CLOUD_SITES.get(Math.floorMod(mix(settings.seed(), i * 31L), CLOUD_SITES.size()));
        List<Home> homes = new ArrayList<>();
        int consumers = type == Archetype.SHARED ? 3 : 1;
        for (int c = 0; c < consumers; c++) {
            Site own = new Site(site.net() + ((i * 7 + c * 3) % 250) + ".", site.asn(), site.asOrg(), site.country(), site.region(),
                    site.city(), site.lat(), site.lon());
            String consumer = switch (type) {
                case CI_RUNNER -> "github-actions:example-org/" + name;
                case SHARED -> "etl-" + (char) ('a' + c) + "-" + i; // three applications share the account
                case BREAK_GLASS -> "incident-response";
                default -> name + "-app";
            };
            String agent = switch (platform) {
                case "aws" -> AwsEstate.sdkAgent(i + c, 0, null);
                case "okta" -> "okta-sdk-java/24.0.0";
                case "gcp" -> "google-api-java-client/2.7.0";
                default -> "azsdk-java-azure-identity/1.18.4";
            };
            homes.add(new Home(own, consumer, agent));
        }
        double rate = switch (type) {
            case PAYMENTS -> 4.0;
            case SHARED -> 1.5;
            case CI_RUNNER, DORMANT, BREAK_GLASS -> 0.0; // CI runs on a schedule; dormant keys are unused; break glass is rare
            case ORPHAN -> 0.3;
            default -> 0.4 + random.nextDouble() * 0.8;
        };
        Egress egress = signing == null ? null : egress(i, type, signing, tenant, name, random);
        boolean expected = type == Archetype.PAYMENTS || type == Archetype.CI_RUNNER || (type == Archetype.SERVICE && i % 4 == 0);
        return new Identity(i, type, platform, tenant, ref, credentialId, credentialKind, owner, tier, lifecycle, homes, expected,
                rate, signing, egress);
    }

    private Egress egress(int i, Archetype type, AwsEstate.Signing signing, String account, String name, SplittableRandom random) {
        long seed = settings.seed();
        List<Workload> workloads = new ArrayList<>();
        switch (signing) {
            case INSTANCE_PROFILE -> {
                int count = type == Archetype.PAYMENTS ? 3 : 1 + random.nextInt(2);
                for (int k = 0; k < count; k++) {
                    workloads.add(new Workload(AwsEstate.instanceId(seed, i, k), "ec2", null));
                }
            }
            case LAMBDA -> workloads.add(new Workload("arn:aws:lambda:" + AwsEstate.REGION + ":" + account + ":function:" + name, "lambda", name));
            case ECS_TASK -> {
                for (int k = 0; k < 2; k++) {
                    workloads.add(new Workload("arn:aws:ecs:" + AwsEstate.REGION + ":" + account + ":task/" + name + "-cluster/"
                            + AwsEstate.taskId(seed, i, k, 0), "ecs_task", null));
                }
            }
            default -> {
            }
        }
        int vpc = i % 40; // identities share VPCs, as teams share networks
        List<String> addresses;
        String endpoint = null;
        String privateNet = null;
        switch (signing) {
            case GITHUB_OIDC -> addresses = List.of(); // a new runner per job
            case LAMBDA -> addresses = List.of(); // AWS's shared addresses, new per cold start
            case LONG_TERM_KEY, SESSION_TOKEN -> {
                if (type == Archetype.BREAK_GLASS) {
                    addresses = List.of(OFFICE.ip(17), OFFICE.ip(18));
                } else if (i % 3 == 0) {
                    // a key kept on a server in the company's data centre
                    addresses = List.of(DATA_CENTRE.ip(i), DATA_CENTRE.ip(i + 1));
                } else {
                    // a key on an instance in a VPC: leaves by the VPC's NAT gateways
                    addresses = AwsEstate.natAddresses(seed, vpc, 2 + vpc % 2);
                    privateNet = "10." + (vpc + 16) + "." + (i % 200) + ".";
                }
            }
            default -> {
                addresses = AwsEstate.natAddresses(seed, vpc, 2 + vpc % 2);
                endpoint = AwsEstate.vpcEndpointId(seed, vpc);
                privateNet = "10." + (vpc + 16) + "." + (i % 200) + ".";
            }
        }
        return new Egress(List.copyOf(workloads), addresses, endpoint, privateNet, i);
    }

    // ---------------------------------------------------------------- benign traffic

    private void benignHour(Identity id, int hour, Instant from, List<IdentityEvent> out) {
        if (id.type() == Archetype.DORMANT) {
            return;
        }
        SplittableRandom r = new SplittableRandom(mix(settings.seed() ^ 0x5DEECE66DL, id.index() * 100_003L + hour));
        gcp.benignHour(id, hour, from, out, this::inQuietWindow);
        if (id.signing() != null) {
            awsHour(id, hour, from, r, out);
            return;
        }
        int hourOfDay = hour % 24;
        // Benign novelty: now and then an operator runs a new tool with a service's key from the
        // service's own network. Detectors may notice; the policy must not disrupt anything for it.
        if (id.type() == Archetype.SERVICE && id.index() % 10 == 4 && hour == (settings.days() / 2) * 24 + 15
                && !id.platform().equals("okta")) {
            Home home = id.homes().get(0);
            Instant t = from.plusSeconds(600);
            if (!inQuietWindow(id, t)) {
                Home tool = new Home(home.site(), home.consumer(), "Terraform/1.9.5 (+https://www.terraform.io)");
                out.add(benign(id, tool, t, EventCategory.API_CALL, ACTIONS.get(id.platform())[0], "s-" + id.index() + "-tool-" + hour, t, r));
            }
        }
        boolean businessHours = hourOfDay >= 12 && hourOfDay <= 23;
        double expected = id.eventsPerHour() * (businessHours ? 1.6 : 0.35);
        if (id.platform().equals("okta")) {
            oktaHour(id, hour, from, expected, r, out);
            return;
        }
        // Diurnal load: business hours of the identity's site carry most of it.
        int count = poisson(expected, r);
        int sessionHours = 4;
        for (int k = 0; k < count; k++) {
            Instant t = from.plusMillis(r.nextLong(3_600_000L));
            if (inQuietWindow(id, t)) {
                continue;
            }
            Home home = id.homes().get(r.nextInt(id.homes().size()));
            int consumerIndex = id.homes().indexOf(home);
            int block = hour / sessionHours;
            Instant issued = settings.start().plus(Duration.ofHours((long) block * sessionHours));
            String session = "s-" + id.index() + "-" + consumerIndex + "-" + block;
            boolean auth = r.nextInt(12) == 0;
            String action = auth ? AUTH_ACTION.get(id.platform())
                    : ACTIONS.get(id.platform())[r.nextInt(ACTIONS.get(id.platform()).length)];
            out.add(benign(id, home, t, auth ? EventCategory.AUTHENTICATION : EventCategory.API_CALL, action, session, issued, r));
        }
    }

    /**
     * An Okta service app with the client-credentials grant: a token about every hour (access tokens
     * live an hour), no session, no refresh token; a provisioning app's writes now and then.
     */
    private void oktaHour(Identity id, int hour, Instant from, double expected, SplittableRandom r, List<IdentityEvent> out) {
        Home home = id.homes().get(0);
        Instant grant = from.plusSeconds(60L * (id.index() % 60));
        if (!inQuietWindow(id, grant)) {
            out.add(event(id, "grant", 0, grant, EventCategory.AUTHENTICATION, AUTH_ACTION.get("okta"),
                    sourceOf(home, r))
                    .privilege(new PrivilegeChange(List.of("okta.users.manage", "okta.groups.read"), null)).build());
        }
        if (id.index() % 3 != 0) {
            return; // only provisioning apps write; reads are not logged
        }
        int count = poisson(expected / 2, r);
        for (int k = 0; k < count; k++) {
            Instant t = from.plusMillis(r.nextLong(3_600_000L));
            if (!inQuietWindow(id, t)) {
                String[] actions = ACTIONS.get("okta");
                out.add(event(id, "w", k, t, EventCategory.API_CALL, actions[r.nextInt(actions.length)], sourceOf(home, r)).build());
            }
        }
    }

    private static Source sourceOf(Home home, SplittableRandom r) {
        return new Source(home.site().ip(r.nextInt(8)), home.site().asn(), home.site().asOrg(), home.site().geo(), home.userAgent(), false);
    }

    // ---------------------------------------------------------------- AWS

    /** The session an AWS role or session-token user holds at {@code t}: who issued it, its name and key. */
    record AwsSession(String name, String key, Instant issued, Workload workload, String issuer) {
    }

    private static final int ROLE_SESSION_HOURS = 6;
    private static final int USER_SESSION_HOURS = 12;

    private void awsHour(Identity id, int hour, Instant from, SplittableRandom r, List<IdentityEvent> out) {
        switch (id.signing()) {
            case GITHUB_OIDC -> ciHour(id, hour, from, r, out);
            case SESSION_TOKEN -> {
                if (id.type() == Archetype.BREAK_GLASS) {
                    breakGlassHour(id, hour, from, out);
                    return;
                }
                if (hour % USER_SESSION_HOURS == id.index() % USER_SESSION_HOURS || hour == 0) {
                    // the script asks for a 12-hour session with its long-term key, then works with it
                    Instant t = hour == 0 ? from : from.plusSeconds(5L * (id.index() % 600));
                    AwsSession s = userSession(id, t);
                    if (!inQuietWindow(id, t)) {
                        out.add(awsCall(id, "gst", 0, t, EventCategory.AUTHENTICATION, "sts:GetSessionToken", publicSource(id, r, hour), null,
                                Map.of("issued_key_id", s.key())).build());
                    }
                }
                workloadCalls(id, hour, from, r, out);
            }
            case INSTANCE_PROFILE, LAMBDA, ECS_TASK -> {
                for (int w = 0; w < id.egress().workloads().size(); w++) {
                    boolean regular = hour % ROLE_SESSION_HOURS == (id.index() + w) % ROLE_SESSION_HOURS;
                    if (regular || hour == 0) {
                        // the estate begins with every workload's first credentials being delivered
                        Instant t = hour == 0 ? from : from.plusSeconds(7L * ((id.index() + 13L * w) % 500));
                        AwsSession s = roleSession(id, w, t);
                        out.add(issuance(id, s, t));
                    }
                }
                workloadCalls(id, hour, from, r, out);
            }
            default -> workloadCalls(id, hour, from, r, out);
        }
        keyRotation(id, hour, from, out);
    }

    /** The service that delivers a role's credentials to its workload. */
    private static String issuerOf(AwsEstate.Signing signing) {
        return switch (signing) {
            case INSTANCE_PROFILE -> "ec2.amazonaws.com";
            case LAMBDA -> "lambda.amazonaws.com";
            default -> "ecs-tasks.amazonaws.com";
        };
    }

    /** The role session workload {@code w} of {@code id} holds at {@code t}. */
    AwsSession roleSession(Identity id, int w, Instant t) {
        long hours = Duration.between(settings.start(), t).toHours();
        long offset = (id.index() + w) % ROLE_SESSION_HOURS;
        long block = Math.floorDiv(hours - offset, ROLE_SESSION_HOURS);
        long issueHour = block * ROLE_SESSION_HOURS + offset;
        long seconds = 7L * ((id.index() + 13L * w) % 500);
        Instant issued = issueHour <= 0 ? settings.start() : settings.start().plus(Duration.ofHours(issueHour)).plusSeconds(seconds);
        if (issued.isAfter(t)) {
            issueHour -= ROLE_SESSION_HOURS;
            issued = issueHour <= 0 ? settings.start() : settings.start().plus(Duration.ofHours(issueHour)).plusSeconds(seconds);
        }
        Workload workload = id.egress().workloads().get(w);
        if (workload.kind().equals("ecs_task")) {
            // a task is replaced every day: a new task id, so a new task ARN
            int generation = (int) Math.floorDiv(Duration.between(settings.start(), issued).toDays(), 1);
            String arn = workload.id();
            workload = new Workload(arn.substring(0, arn.lastIndexOf('/') + 1) + AwsEstate.taskId(settings.seed(), id.index(), w, generation),
                    "ecs_task", null);
        }
        String name = switch (workload.kind()) {
            case "ec2" -> workload.id();
            case "lambda" -> workload.name();
            default -> workload.id().substring(workload.id().lastIndexOf('/') + 1);
        };
        String key = AwsEstate.sessionKey(settings.seed(), id.ref().id(), name, issued.getEpochSecond());
        return new AwsSession(name, key, issued, workload, issuerOf(id.signing()));
    }

    /** The GetSessionToken session a session-token user holds at {@code t}. */
    AwsSession userSession(Identity id, Instant t) {
        long hours = Duration.between(settings.start(), t).toHours();
        long offset = id.index() % USER_SESSION_HOURS;
        long block = Math.floorDiv(hours - offset, USER_SESSION_HOURS);
        long issueHour = block * USER_SESSION_HOURS + offset;
        long seconds = 5L * (id.index() % 600);
        Instant issued = issueHour <= 0 ? settings.start() : settings.start().plus(Duration.ofHours(issueHour)).plusSeconds(seconds);
        if (issued.isAfter(t)) {
            issueHour -= USER_SESSION_HOURS;
            issued = issueHour <= 0 ? settings.start() : settings.start().plus(Duration.ofHours(issueHour)).plusSeconds(seconds);
        }
        return new AwsSession(null, AwsEstate.sessionKey(settings.seed(), id.ref().id(), "GetSessionToken", issued.getEpochSecond()),
                issued, null, null);
    }

    /** The service's AssumeRole that hands a workload its role credentials: an AWSService caller in the trail. */
    private IdentityEvent issuance(Identity id, AwsSession s, Instant t) {
        IdentityRef service = new IdentityRef(s.issuer(), "aws_service", s.issuer());
        String eventId = "ev-" + AwsEstate.tag(id.ref().id() + "/" + s.name() + "/" + t) + "-" + id.index() + "-iss";
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("role_arn", id.ref().id());
        attributes.put("role_session_name", s.name());
        attributes.put("issued_key_id", s.key());
        return IdentityEvent.builder(eventId, t, "aws", service)
                .tenant(id.tenant())
                .category(EventCategory.AUTHENTICATION).action("sts:AssumeRole")
                .source(new Source(s.issuer(), null, null, null, s.issuer(), false))
                .target(id.ref().id())
                .attributes(attributes)
                .rawRef("generated:" + eventId)
                .build();
    }

    /** A workload's own calls, diurnal, through its egress paths. */
    private void workloadCalls(Identity id, int hour, Instant from, SplittableRandom r, List<IdentityEvent> out) {
        int hourOfDay = hour % 24;
        boolean businessHours = hourOfDay >= 12 && hourOfDay <= 23;
        double expected = id.eventsPerHour() * (businessHours ? 1.6 : 0.35);
        int count = poisson(expected, r);
        String[] actions = ACTIONS.get("aws");
        for (int k = 0; k < count; k++) {
            Instant t = from.plusMillis(r.nextLong(3_600_000L));
            if (inQuietWindow(id, t)) {
                continue;
            }
            String action = actions[r.nextInt(actions.length)];
            if (AwsEstate.isDataEvent(action) && !AwsEstate.logsDataEvents(id.tenant())) {
                continue; // no data-event selector in this account: the call happens, no trail records it
            }
            int w = id.egress().workloads().isEmpty() ? -1 : r.nextInt(id.egress().workloads().size());
            Source source = callSource(id, action, t, w, r);
            Map<String, String> path = source.ip().startsWith("10.") && id.egress().vpcEndpoint() != null
                    ? Map.of("vpc_endpoint_id", id.egress().vpcEndpoint()) : Map.of();
            out.add(awsCall(id, "c", k, t, EventCategory.API_CALL, action, source, w, path).build());
            if (action.equals("s3:GetObject") && r.nextInt(3) == 0) {
                // the object is SSE-KMS: S3 asks KMS to decrypt on the caller's behalf
                // (https://docs.aws.amazon.com/kms/latest/developerguide/services-s3.html)
                Source s3 = new Source("s3.amazonaws.com", null, null, null, "s3.amazonaws.com", false);
                out.add(awsCall(id, "kms", k, t.plusMillis(40), EventCategory.API_CALL, "kms:Decrypt", s3, w,
                        Map.of("invoked_by", "s3.amazonaws.com")).build());
            }
        }
        if (id.signing() == AwsEstate.Signing.LAMBDA && hour % ROLE_SESSION_HOURS == id.index() % ROLE_SESSION_HOURS) {
            // a cold start decrypts the function's environment with the execution role: AWS Internal
            Instant t = from.plusSeconds(7L * (id.index() % 500) + 2);
            if (!inQuietWindow(id, t)) {
                Source internal = new Source("AWS Internal", null, null, null, "AWS Internal", false);
                out.add(awsCall(id, "env", 0, t, EventCategory.API_CALL, "kms:Decrypt", internal, 0, null).build());
            }
        }
    }

    /**
     * Where a call leaves from: KMS and S3 through the VPC endpoint (the caller's private address),
     * the rest through the NAT gateway of the caller's availability zone. A role's workload {@code w}
     * is one host with one private address and one NAT gateway; a long-term key may sit on several
     * hosts (w &lt; 0), so its calls leave by any of the VPC's gateways. A Lambda function outside a
     * VPC calls from AWS's shared addresses, a new one per execution environment (per session).
     */
    private Source callSource(Identity id, String action, Instant t, int w, SplittableRandom r) {
        Egress e = id.egress();
        int hour = hourOf(t);
        int build = hour / 24 >= settings.days() / 2 + e.sdk() % 3 ? 1 : 0; // a redeploy moves the SDK up a version
        String execEnv = switch (id.signing()) {
            case LAMBDA -> "AWS_Lambda_java17";
            case ECS_TASK -> "AWS_ECS_FARGATE";
            default -> null;
        };
        String agent = AwsEstate.sdkAgent(e.sdk(), build, execEnv);
        int host = w >= 0 ? w : id.signing() == AwsEstate.Signing.LONG_TERM_KEY ? r.nextInt(4) : 0;
        if (e.vpcEndpoint() != null && (action.startsWith("kms:") || action.startsWith("s3:"))) {
            return new Source(e.privateNet() + (10 + 37 * host % 200), null, null, null, agent, false);
        }
        if (id.signing() == AwsEstate.Signing.LAMBDA) {
            SplittableRandom environment = new SplittableRandom(mix(settings.seed(), roleSession(id, 0, t).issued().getEpochSecond()));
            return new Source(AwsEstate.lambdaAddress(environment), null, null, null, agent, false);
        }
        return new Source(e.publicAddresses().get(host % e.publicAddresses().size()), null, null, null, agent, false);
    }

    private Source publicSource(Identity id, SplittableRandom r, int hour) {
        Egress e = id.egress();
        return new Source(e.publicAddresses().get(r.nextInt(e.publicAddresses().size())), null, null, null,
                AwsEstate.sdkAgent(e.sdk(), 0, null), false);
    }

    /**
     * An AWS call signed as the identity signs at {@code t}: its long-term key, its GetSessionToken
     * session, or workload {@code w}'s role session (a role with w &lt; 0 uses its first workload).
     */
    private IdentityEvent.Builder awsCall(Identity id, String tag, int k, Instant t, EventCategory category, String action, Source source,
                                          Integer w, Map<String, String> extra) {
        String eventId = "ev-" + Long.toHexString(mix(settings.seed() ^ 0xB16B00B5L, t.toEpochMilli() * 31 + id.index())) + "-" + id.index()
                + "-" + tag + k;
        return awsCall(id, eventId, t, category, action, source, w, extra);
    }

    private IdentityEvent.Builder awsCall(Identity id, String eventId, Instant t, EventCategory category, String action, Source source,
                                          Integer w, Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>(extra == null ? Map.of() : extra);
        IdentityEvent.Builder b = IdentityEvent.builder(eventId, t, "aws", id.ref()).tenant(id.tenant())
                .category(category).action(action).source(source).rawRef("generated:" + eventId).attributes(attributes);
        switch (id.signing()) {
            case LONG_TERM_KEY -> b.credential(new CredentialRef(keyAt(id, t), "access_key"));
            case SESSION_TOKEN -> {
                if (action.equals("sts:GetSessionToken")) {
                    b.credential(new CredentialRef(keyAt(id, t), "access_key"));
                } else {
                    AwsSession s = userSession(id, t);
                    b.credential(new CredentialRef(s.key(), "session_key"))
                            .session(new SessionInfo(null, s.key(), s.issued(), id.type() == Archetype.BREAK_GLASS));
                }
            }
            case GITHUB_OIDC -> throw new IllegalStateException("CI calls are made in ciHour");
            default -> {
                AwsSession s = roleSession(id, w == null || w < 0 ? 0 : w, t);
                b.credential(new CredentialRef(s.key(), "session_key"))
                        .session(new SessionInfo(s.name(), s.key(), s.issued(), false))
                        .workload(s.workload());
                if (id.signing() == AwsEstate.Signing.INSTANCE_PROFILE) {
                    attributes.put("ec2_role_delivery", "2.0");
                }
            }
        }
        return b;
    }

    /**
     * A deploy every 6 hours on a GitHub-hosted runner (a new address, often another region, each
     * job): AssumeRoleWithWebIdentity with the job's OIDC token, then the job's calls with session
     * {@code GitHubActions}. Once a week the job applies Terraform, which changes an application
     * role's policies from the CI role.
     */
    private void ciHour(Identity id, int hour, Instant from, SplittableRandom r, List<IdentityEvent> out) {
        if (hour % 24 % 6 != id.index() % 6) {
            return;
        }
        Instant t = from.plusSeconds(60L * (id.index() % 50));
        if (inQuietWindow(id, t)) {
            return;
        }
        String runner = AwsEstate.runnerAddress(r);
        String repo = "example-org/" + id.ref().name().replace("ci-deploy-", "service-");
        String subject = "repo:" + repo + ":ref:refs/heads/main";
        String provider = "arn:aws:iam::" + id.tenant() + ":oidc-provider/" + AwsEstate.GITHUB_PROVIDER;
        IdentityRef job = new IdentityRef(provider + ":sts.amazonaws.com:" + subject, "web_identity_user", subject);
        String sessionName = "GitHubActions";
        String key = AwsEstate.sessionKey(settings.seed(), id.ref().id(), sessionName + "#" + hour, t.getEpochSecond());
        String issueId = "ev-" + AwsEstate.tag(id.ref().id() + "/ci/" + hour) + "-" + id.index() + "-oidc";
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("role_arn", id.ref().id());
        attributes.put("role_session_name", sessionName);
        attributes.put("issued_key_id", key);
        attributes.put("identity_provider", provider);
        out.add(IdentityEvent.builder(issueId, t, "aws", job).tenant(id.tenant())
                .category(EventCategory.AUTHENTICATION).action("sts:AssumeRoleWithWebIdentity")
                .source(new Source(runner, null, null, null, AwsEstate.CONFIGURE_CREDENTIALS_AGENT, false))
                .target(id.ref().id()).attributes(attributes).rawRef("generated:" + issueId).build());
        SessionInfo session = new SessionInfo(sessionName, key, t, false);
        Workload workflow = new Workload(subject, "oidc_subject", AwsEstate.GITHUB_PROVIDER);
        boolean terraform = hour / 24 % 7 == id.index() % 7 && hour % 24 / 6 == 1;
        String[] steps = terraform ? new String[]{"sts:GetCallerIdentity", "iam:GetRole", "iam:PutRolePolicy", "iam:AttachRolePolicy"}
                : new String[]{"sts:GetCallerIdentity", "s3:PutObject", "cloudformation:UpdateStack"};
        for (int k = 0; k < steps.length; k++) {
            String action = steps[k];
            if (AwsEstate.isDataEvent(action) && !AwsEstate.logsDataEvents(id.tenant())) {
                continue;
            }
            String agent = terraform && action.startsWith("iam:") ? AwsEstate.TERRAFORM_AGENT
                    : AwsEstate.CLI_AGENT + action.substring(0, action.indexOf(':')) + "." + action.substring(action.indexOf(':') + 1);
            String eventId = "ev-" + AwsEstate.tag(id.ref().id() + "/ci/" + hour + "/" + k) + "-" + id.index() + "-ci" + k;
            String appRole = "arn:aws:iam::" + id.tenant() + ":role/" + repo.substring(repo.indexOf('/') + 1) + "-app";
            IdentityEvent.Builder b = IdentityEvent.builder(eventId, t.plusSeconds(20L * (k + 1)), "aws", id.ref()).tenant(id.tenant())
                    .credential(new CredentialRef(key, "session_key")).session(session).workload(workflow)
                    .category(EventCategory.API_CALL).action(action)
                    .source(new Source(runner, null, null, null, agent, false)).rawRef("generated:" + eventId);
            if (action.equals("iam:PutRolePolicy")) {
                // Terraform writes the application role's inline policy: least privilege, no administrator
                b.category(EventCategory.PRIVILEGE_CHANGE).target(appRole)
                        .privilege(new PrivilegeChange(List.of("app-data-access"), true))
                        .attributes(Map.of("policy_document", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                                + "[\"s3:GetObject\",\"s3:PutObject\",\"sqs:SendMessage\"],\"Resource\":\"arn:aws:s3:::" + repo.replace('/', '-')
                                + "-data/*\"}]}"));
            } else if (action.equals("iam:AttachRolePolicy")) {
                b.category(EventCategory.PRIVILEGE_CHANGE).target(appRole)
                        .privilege(new PrivilegeChange(List.of("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"), true));
            }
            out.add(b.build());
        }
    }

    /**
     * Break-glass work: once, at night in the middle of the estate, the on-call administrator gets
     * an MFA session with the break-glass user's key from the office and does what an incident
     * needs: reads the trail, deactivates a key, detaches a policy, stops an instance.
     */
    private void breakGlassHour(Identity id, int hour, Instant from, List<IdentityEvent> out) {
        if (hour != (settings.days() / 2) * 24 + 3) {
            return;
        }
        Instant t = from.plusSeconds(1_260);
        Source office = new Source(id.egress().publicAddresses().get(0), null, null, null, AwsEstate.ADMIN_CLI_AGENT + "sts.get-session-token", false);
        AwsSession s = new AwsSession(null, AwsEstate.sessionKey(settings.seed(), id.ref().id(), "GetSessionToken", t.getEpochSecond()), t, null, null);
        out.add(IdentityEvent.builder("ev-" + AwsEstate.tag(id.ref().id() + "/bg/" + hour) + "-" + id.index() + "-bg0", t, "aws", id.ref())
                .tenant(id.tenant()).credential(new CredentialRef(keyAt(id, t), "access_key"))
                .category(EventCategory.AUTHENTICATION).action("sts:GetSessionToken").source(office)
                .attributes(Map.of("issued_key_id", s.key())).rawRef("generated:bg0-" + id.index()).build());
        Identity victim = identities.stream().filter(i -> i.signing() == AwsEstate.Signing.LONG_TERM_KEY && i.tenant().equals(id.tenant())
                && i.type() == Archetype.SERVICE).findFirst().orElse(null);
        String[] steps = {"cloudtrail:LookupEvents", "iam:ListAccessKeys", "iam:UpdateAccessKey", "iam:DetachRolePolicy", "ec2:StopInstances",
                "iam:ListRoles"};
        for (int k = 0; k < steps.length; k++) {
            String action = steps[k];
            Instant at = t.plusSeconds(45L * (k + 1));
            String eventId = "ev-" + AwsEstate.tag(id.ref().id() + "/bg/" + hour + "/" + k) + "-" + id.index() + "-bg" + (k + 1);
            Source cli = new Source(office.ip(), null, null, null, AwsEstate.ADMIN_CLI_AGENT + action.replace(':', '.'), false);
            IdentityEvent.Builder b = IdentityEvent.builder(eventId, at, "aws", id.ref()).tenant(id.tenant())
                    .credential(new CredentialRef(s.key(), "session_key")).session(new SessionInfo(null, s.key(), t, true))
                    .category(EventCategory.API_CALL).action(action).source(cli).rawRef("generated:" + eventId);
            if (action.equals("iam:UpdateAccessKey") && victim != null) {
                b.category(EventCategory.CREDENTIAL_CHANGE).target(victim.ref().id()).attributes(Map.of("access_key_id", keyAt(victim, at)));
            } else if (action.equals("iam:DetachRolePolicy")) {
                // the payment service's role loses a broad policy while the incident is worked on
                b.category(EventCategory.PRIVILEGE_CHANGE).target(identities.get(0).ref().id())
                        .privilege(new PrivilegeChange(List.of("arn:aws:iam::aws:policy/AmazonS3FullAccess"), false));
            }
            out.add(b.build());
        }
    }

    /** The day of the estate on which {@code id}'s long-term key is rotated, or -1 when it is not in this window. */
    private int rotationDay(Identity id) {
        if (id.signing() != AwsEstate.Signing.LONG_TERM_KEY || id.type() == Archetype.ORPHAN || id.type() == Archetype.DORMANT
                || id.owner() == null) {
            return -1;
        }
        // keys are rotated every 90 days, so about one in six turns over in a 14-day window
        long phase = Math.floorMod(mix(settings.seed() ^ 0x90DL, id.index()), 90);
        return phase < settings.days() - 1 ? (int) phase : -1;
    }

    /** The long-term key {@code id} signs with at {@code t}: the new one from the hour after rotation. */
    private String keyAt(Identity id, Instant t) {
        int day = rotationDay(id);
        if (day < 0) {
            return id.credentialId();
        }
        Instant switched = settings.start().plus(Duration.ofDays(day)).plus(Duration.ofHours(11));
        return t.isBefore(switched) ? id.credentialId() : AwsEstate.accessKey(settings.seed(), id.ref().id(), 1);
    }

    /**
     * Rotation by the owner's pipeline (the CI role of the same account): CreateAccessKey at 10:00 on
     * the rotation day, the application switches at 11:00, the old key is deactivated the next day
     * and deleted the day after.
     */
    private void keyRotation(Identity id, int hour, Instant from, List<IdentityEvent> out) {
        int day = rotationDay(id);
        if (day < 0) {
            return;
        }
        int step = switch (hour - day * 24) {
            case 10 -> 0;
            case 34 -> 1;
            case 58 -> 2;
            default -> -1;
        };
        if (step < 0) {
            return;
        }
        Identity pipeline = pipelines.get(id.tenant());
        if (pipeline == null) {
            return;
        }
        Instant t = from.plusSeconds(120L + id.index() % 600);
        String action = switch (step) {
            case 0 -> "iam:CreateAccessKey";
            case 1 -> "iam:UpdateAccessKey";
            default -> "iam:DeleteAccessKey";
        };
        String key = step == 0 ? AwsEstate.accessKey(settings.seed(), id.ref().id(), 1) : id.credentialId();
        SplittableRandom r = new SplittableRandom(mix(settings.seed(), id.index() * 7L + step));
        String runner = AwsEstate.runnerAddress(r);
        String sessionKey = AwsEstate.sessionKey(settings.seed(), pipeline.ref().id(), "GitHubActions#rot" + id.index() + "/" + step, t.getEpochSecond());
        String eventId = "ev-" + AwsEstate.tag(id.ref().id() + "/rot/" + step) + "-" + id.index() + "-rot" + step;
        String subject = "repo:example-org/key-rotation:ref:refs/heads/main";
        String provider = "arn:aws:iam::" + id.tenant() + ":oidc-provider/" + AwsEstate.GITHUB_PROVIDER;
        IdentityRef job = new IdentityRef(provider + ":sts.amazonaws.com:" + subject, "web_identity_user", subject);
        Map<String, String> issued = new LinkedHashMap<>();
        issued.put("role_arn", pipeline.ref().id());
        issued.put("role_session_name", "GitHubActions");
        issued.put("issued_key_id", sessionKey);
        issued.put("identity_provider", provider);
        out.add(IdentityEvent.builder(eventId + "-oidc", t.minusSeconds(20), "aws", job).tenant(id.tenant())
                .category(EventCategory.AUTHENTICATION).action("sts:AssumeRoleWithWebIdentity")
                .source(new Source(runner, null, null, null, AwsEstate.CONFIGURE_CREDENTIALS_AGENT, false))
                .target(pipeline.ref().id()).attributes(issued).rawRef("generated:" + eventId + "-oidc").build());
        out.add(IdentityEvent.builder(eventId, t, "aws", pipeline.ref()).tenant(id.tenant())
                .credential(new CredentialRef(sessionKey, "session_key"))
                .session(new SessionInfo("GitHubActions", sessionKey, t.minusSeconds(20), false))
                .workload(new Workload(subject, "oidc_subject", AwsEstate.GITHUB_PROVIDER))
                .category(EventCategory.CREDENTIAL_CHANGE).action(action).target(id.ref().id())
                .source(new Source(runner, null, null, null, AwsEstate.CLI_AGENT + "iam." + action.substring(4), false))
                .attributes(Map.of("access_key_id", key)).rawRef("generated:" + eventId).build());
    }

    private boolean inQuietWindow(Identity id, Instant t) {
        for (Attack a : attacks) {
            if (a.victim() == id && !t.isBefore(a.quietFrom()) && t.isBefore(a.quietTo())) {
                return true;
            }
        }
        return false;
    }

    /** A GCP or Azure call, as before: a session per consumer and 4-hour block. */
    private IdentityEvent benign(Identity id, Home home, Instant t, EventCategory category, String action, String session,
                                 Instant issued, SplittableRandom r) {
        String eventId = "ev-" + Long.toHexString(mix(settings.seed() ^ 0xB16B00B5L, t.toEpochMilli() * 31 + id.index())) + "-" + id.index();
        Workload workload = id.type() == Archetype.UNMAPPED ? null : new Workload(home.consumer(), "k8s", home.consumer());
        return IdentityEvent.builder(eventId, t, id.platform(), id.ref())
                .tenant(id.tenant())
                .credential(new CredentialRef(id.platform().equals("gcp") ? gcp.keyAt(id, t) : id.credentialId(), id.credentialKind()))
                .category(category).action(action)
                .source(sourceOf(home, r))
                .session(new SessionInfo(session, null, issued, null))
                .workload(workload)
                .rawRef("generated:" + eventId)
                .build();
    }

    // ---------------------------------------------------------------- attacks

    private void buildAttacks() {
        int days = settings.days();
        Instant base = settings.start().plus(Duration.ofDays(days - 2)).plus(Duration.ofHours(14));
        List<Identity> awsServices = identities.stream().filter(i -> i.type() == Archetype.SERVICE && i.signing() != null).toList();
        List<Identity> instanceRoles = awsServices.stream().filter(i -> i.signing() == AwsEstate.Signing.INSTANCE_PROFILE).toList();
        List<Identity> keyUsers = awsServices.stream().filter(i -> i.signing() == AwsEstate.Signing.LONG_TERM_KEY).toList();
        List<Identity> anyServices = identities.stream().filter(i -> i.type() == Archetype.SERVICE).toList();
        Identity payments = first(Archetype.PAYMENTS);
        Identity shared = first(Archetype.SHARED);
        Identity orphan = first(Archetype.ORPHAN);
        Identity unmapped = first(Archetype.UNMAPPED);
        Identity dormant = identities.stream().filter(i -> i.type() == Archetype.DORMANT && i.signing() != null).findFirst()
                .orElse(first(Archetype.DORMANT));
        Identity ci = first(Archetype.CI_RUNNER);
        Identity oktaService = anyServices.stream().filter(i -> i.platform().equals("okta")).findFirst().orElse(anyServices.get(0));
        Identity azureService = anyServices.stream().filter(i -> i.platform().equals("azure")).findFirst().orElse(anyServices.get(1));
        int slot = 0;
        // A stolen instance session used elsewhere while the instance still uses it: reversible containment is expected.
        attacks.add(tokenReplay(instanceRoles.get(0), at(base, slot++)));
        // Stolen long-term credentials: the shared account's key, an Okta app's client secret.
        attacks.add(keyTheft(shared, at(base, slot++)));
        attacks.add(outsideWorkload(payments, at(base, slot++)));
        // ... on an identity with no owner, and on one nobody mapped to a workload.
        attacks.add(impossibleTravel(orphan, at(base, slot++)));
        attacks.add(impossibleTravel(unmapped, at(base, slot++)));
        attacks.add(keyTheft(oktaService, at(base, slot++)));
        attacks.add(tokenReplay(azureService, at(base, slot++)));
        attacks.add(dormantReuse(dormant, at(base, slot++)));
        attacks.add(privilegeEscalation(keyUsers.get(0), at(base, slot++)));
        attacks.add(outsideWorkload(ci, at(base, slot++)));
        attacks.add(platformFinding(instanceRoles.get(1), at(base, slot++)));
        // A campaign against one team's credentials within one hour: the disruptive-action budget must bite.
        Instant campaign = base.plus(Duration.ofDays(1));
        String team = instanceRoles.get(2).owner();
        List<Identity> teamKeys = awsServices.stream().filter(i -> team.equals(i.owner()) && i != instanceRoles.get(0)
                && i != instanceRoles.get(1) && i != keyUsers.get(0)).limit(6).toList();
        for (int k = 0; k < teamKeys.size(); k++) {
            Identity v = teamKeys.get(k);
            Instant t = campaign.plus(Duration.ofMinutes(5L * k));
            attacks.add(v.isRole() ? tokenReplay(v, t) : keyTheft(v, t));
        }
        // Google Cloud: a stolen service-account key, then an impersonation chain to owner (GcpEstate, its own randomness)
        gcp = new GcpEstate(settings, identities);
        attacks.addAll(gcp.attacks(base.plus(Duration.ofMinutes(450))));
    }

    private Identity first(Archetype type) {
        return identities.stream().filter(i -> i.type() == type).findFirst()
                .orElseThrow(() -> new IllegalStateException("estate too small for a " + type + " identity"));
    }

    private static Instant at(Instant base, int slot) {
        return base.plus(Duration.ofMinutes(40L * slot));
    }

    /** An attacker's machine: its address and the tool it runs. */
    private static Source attacker(Site site, int host, String agent) {
        return new Source(site.ip(host), site.asn(), site.asOrg(), site.geo(), agent, false);
    }

    /**
     * A session credential stolen from a workload (IMDS through SSRF, a leaked environment) used from
     * the attacker's host while the workload keeps using it. Off AWS: the generated session.
     */
    private Attack tokenReplay(Identity v, Instant t) {
        if (v.signing() == null) {
            Home home = v.homes().get(0);
            String session = "s-" + v.index() + "-hijacked-" + t.getEpochSecond();
            Instant issued = t.minus(Duration.ofMinutes(30));
            IdentityEvent own = attackEvent(v, "tr-own", t, EventCategory.API_CALL, ACTIONS.get(v.platform())[0], sourceOf(home, new SplittableRandom(5)))
                    .session(new SessionInfo(session, null, issued, null)).workload(new Workload(home.consumer(), "k8s", home.consumer())).build();
            IdentityEvent replay = attackEvent(v, "tr-replay", t.plusSeconds(240), EventCategory.API_CALL, ACTIONS.get(v.platform())[1],
                    attacker(ATTACKER_VIRGINIA, 7, "python-requests/2.31")).session(new SessionInfo(session, null, issued, null)).build();
            return new Attack("token_replay", v, List.of(markBenign(own), replay), t.minus(Duration.ofMinutes(20)), t.plus(Duration.ofMinutes(20)));
        }
        SplittableRandom r = new SplittableRandom(mix(settings.seed(), t.getEpochSecond()));
        IdentityEvent own = awsAttackCall(v, "tr-own", t, delivered(v, "s3:GetObject"), callSource(v, "sqs:SendMessage", t, 0, r)).build();
        String agent = AwsEstate.sdkAgent(v.egress().sdk() + 1, 0, null); // the stolen keys in another tool
        IdentityEvent list = awsAttackCall(v, "tr-replay", t.plusSeconds(240), "s3:ListBuckets", attacker(ATTACKER_VIRGINIA, 7, agent)).build();
        IdentityEvent get = awsAttackCall(v, "tr-exfil", t.plusSeconds(300), "secretsmanager:GetSecretValue",
                attacker(ATTACKER_VIRGINIA, 7, agent)).build();
        return new Attack("token_replay", v, List.of(markBenign(own), list, get), t.minus(Duration.ofMinutes(20)), t.plus(Duration.ofMinutes(20)));
    }

    /** A long-term key or client secret in someone else's hands (a leaked repository, a laptop): recon and data access. */
    private Attack keyTheft(Identity v, Instant t) {
        if (v.platform().equals("okta")) {
            IdentityEvent grant = attackEvent(v, "kt-grant", t, EventCategory.AUTHENTICATION, AUTH_ACTION.get("okta"),
                    attacker(ATTACKER_VIRGINIA, 9, "python-requests/2.31.0"))
                    .privilege(new PrivilegeChange(List.of("okta.users.manage", "okta.groups.read"), null)).build();
            IdentityEvent write = attackEvent(v, "kt-write", t.plusSeconds(180), EventCategory.API_CALL, "group.user_membership.add",
                    attacker(ATTACKER_VIRGINIA, 9, "python-requests/2.31.0")).build();
            return new Attack("access_key_theft", v, List.of(grant, write), t.minus(Duration.ofMinutes(20)), t.plus(Duration.ofMinutes(20)));
        }
        String agent = "aws-cli/2.15.30 Python/3.11.8 Linux/6.6.15-amd64 exe/x86_64.kali.2024 prompt/off command/";
        List<IdentityEvent> events = new ArrayList<>();
        String[] steps = {"sts:GetCallerIdentity", "iam:ListAttachedUserPolicies", "s3:ListBuckets", "secretsmanager:ListSecrets",
                "secretsmanager:GetSecretValue"};
        for (int k = 0; k < steps.length; k++) {
            events.add(awsAttackCall(v, "kt" + k, t.plusSeconds(30L * k), steps[k],
                    attacker(ATTACKER_VIRGINIA, 7, agent + steps[k].replace(':', '.'))).build());
        }
        return new Attack("access_key_theft", v, events, t.minus(Duration.ofMinutes(20)), t.plus(Duration.ofMinutes(20)));
    }

    private Attack impossibleTravel(Identity v, Instant t) {
        SplittableRandom r = new SplittableRandom(mix(settings.seed(), t.getEpochSecond()));
        IdentityEvent own;
        IdentityEvent far;
        if (v.signing() != null) {
            Source home = publicSource(v, r, hourOf(t));
            own = awsAttackCall(v, "it-own", t, delivered(v, "sqs:SendMessage"), home).build();
            far = awsAttackCall(v, "it-far", t.plus(Duration.ofMinutes(25)), "secretsmanager:GetSecretValue",
                    attacker(ATTACKER_SINGAPORE, 12, home.userAgent())).build();
        } else {
            Home home = v.homes().get(0);
            own = attackEvent(v, "it-own", t, EventCategory.API_CALL, ACTIONS.get(v.platform())[0], sourceOf(home, r)).build();
            far = attackEvent(v, "it-far", t.plus(Duration.ofMinutes(25)), EventCategory.API_CALL, ACTIONS.get(v.platform())[2],
                    attacker(ATTACKER_SINGAPORE, 12, home.userAgent())).build();
        }
        return new Attack("impossible_travel", v, List.of(markBenign(own), far), t.minus(Duration.ofMinutes(20)), t.plus(Duration.ofMinutes(45)));
    }

    private Attack dormantReuse(Identity v, Instant t) {
        if (v.signing() == null) {
            IdentityEvent use = attackEvent(v, "dr-use", t, EventCategory.API_CALL, ACTIONS.get(v.platform())[0],
                    attacker(ATTACKER_FRANKFURT, 3, "python-requests/2.31.0")).build();
            return new Attack("dormant_reactivated", v, List.of(use), t.minus(Duration.ofMinutes(5)), t.plus(Duration.ofMinutes(5)));
        }
        String agent = "aws-cli/2.9.0 Python/3.9.11 Linux/5.15.0 exe/x86_64.ubuntu.22 prompt/off command/";
        IdentityEvent who = awsAttackCall(v, "dr-who", t, "sts:GetCallerIdentity", attacker(ATTACKER_FRANKFURT, 3, agent + "sts.get-caller-identity")).build();
        IdentityEvent use = awsAttackCall(v, "dr-use", t.plusSeconds(20), "iam:ListUsers", attacker(ATTACKER_FRANKFURT, 3, agent + "iam.list-users")).build();
        return new Attack("dormant_reactivated", v, List.of(who, use), t.minus(Duration.ofMinutes(5)), t.plus(Duration.ofMinutes(5)));
    }

    /** A long-term key's holder attaches AdministratorAccess to the key's user and uses it: from the user's usual network. */
    private Attack privilegeEscalation(Identity v, Instant t) {
        SplittableRandom r = new SplittableRandom(mix(settings.seed(), t.getEpochSecond()));
        Source from = publicSource(v, r, hourOf(t));
        IdentityEvent grant = awsAttackCall(v, "pe-grant", t, "iam:AttachUserPolicy", from)
                .category(EventCategory.PRIVILEGE_CHANGE)
                .privilege(new PrivilegeChange(List.of("arn:aws:iam::aws:policy/AdministratorAccess"), true))
                .target(v.ref().id())
                .build();
        IdentityEvent use = awsAttackCall(v, "pe-use", t.plusSeconds(90), "iam:CreateUser", from)
                .category(EventCategory.IDENTITY_CHANGE)
                .build();
        return new Attack("privilege_change_then_use", v, List.of(grant, use), t.minus(Duration.ofMinutes(15)), t.plus(Duration.ofMinutes(75)));
    }

    /** A workload's session credentials used from outside while the workload is idle (a CI job's keys exfiltrated, an SSRF). */
    private Attack outsideWorkload(Identity v, Instant t) {
        if (v.signing() == AwsEstate.Signing.GITHUB_OIDC) {
            // the last job's session, still valid for its hour, used from elsewhere after the job ended
            int hour = hourOf(t);
            int jobHour = hour - Math.floorMod(hour % 24 - v.index() % 6, 6);
            Instant jobStart = settings.start().plus(Duration.ofHours(jobHour)).plusSeconds(60L * (v.index() % 50));
            Instant use = jobStart.plus(Duration.ofMinutes(40));
            String key = AwsEstate.sessionKey(settings.seed(), v.ref().id(), "GitHubActions#" + jobHour, jobStart.getEpochSecond());
            String subject = "repo:example-org/" + v.ref().name().replace("ci-deploy-", "service-") + ":ref:refs/heads/main";
            IdentityEvent e = IdentityEvent.builder("atk-ow-use-" + v.index() + "-" + use.getEpochSecond(), use, "aws", v.ref())
                    .tenant(v.tenant()).credential(new CredentialRef(key, "session_key"))
                    .session(new SessionInfo("GitHubActions", key, jobStart, false))
                    .workload(new Workload(subject, "oidc_subject", AwsEstate.GITHUB_PROVIDER))
                    .category(EventCategory.API_CALL).action(delivered(v, "s3:GetObject"))
                    .source(attacker(ATTACKER_SAO_PAULO, 21, AwsEstate.CLI_AGENT + "s3.cp"))
                    .rawRef("generated:atk-ow-use-" + v.index()).build();
            return new Attack("outside_workload", v, List.of(e), use.minus(Duration.ofMinutes(20)), use.plus(Duration.ofMinutes(20)));
        }
        IdentityEvent use = awsAttackCall(v, "ow-use", t, delivered(v, "dynamodb:Query"),
                attacker(ATTACKER_SAO_PAULO, 21, AwsEstate.sdkAgent(v.egress().sdk(), 0, null))).build();
        return new Attack("outside_workload", v, List.of(use), t.minus(Duration.ofMinutes(20)), t.plus(Duration.ofMinutes(20)));
    }

    /**
     * Instance credentials used outside AWS, and GuardDuty's finding on it: type
     * UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS, documented as High
     * (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html), and High is
     * 7.0–8.9 (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html). The
     * confidence is severity / 10, the scale the finding is written and read back on, so the written
     * severity is the generated one.
     */
    private Attack platformFinding(Identity v, Instant t) {
        SplittableRandom r = new SplittableRandom(mix(settings.seed(), t.getEpochSecond()));
        double severity = 7.0 + r.nextInt(19) / 10.0; // 7.0 .. 8.8, within High
        String agent = "Boto3/1.34.34 md/Botocore#1.34.34 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.34";
        IdentityEvent call = awsAttackCall(v, "pf-call", t.minusSeconds(600), "s3:ListBuckets", attacker(ATTACKER_FRANKFURT, 4, agent)).build();
        AwsSession s = roleSession(v, 0, t.minusSeconds(600));
        String type = "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS";
        IdentityEvent finding = IdentityEvent.builder("atk-pf-" + v.index() + "-" + t.getEpochSecond(), t, "aws", v.ref())
                .tenant(v.tenant()).credential(new CredentialRef(s.key(), "session_key"))
                .session(new SessionInfo(s.name(), s.key(), s.issued(), false))
                .category(EventCategory.PLATFORM_FINDING).action("GuardDuty:" + type)
                .source(attacker(ATTACKER_FRANKFURT, 4, null))
                .finding(new PlatformFinding(type, severity / 10.0, String.valueOf(severity),
                        "Credentials created exclusively for an EC2 instance using instance role " + v.ref().name()
                                + " have been used from a remote IP address " + ATTACKER_FRANKFURT.ip(4) + "."))
                .rawRef("generated:atk-pf-" + v.index())
                .build();
        return new Attack("platform_finding", v, List.of(call, finding), t.minus(Duration.ofMinutes(15)), t.plus(Duration.ofMinutes(5)));
    }

    /**
     * {@code action} when the victim's account delivers it; else the management call made with it
     * (reading the secret that decrypts the data): a data event no trail selects is seen by nobody.
     */
    private static String delivered(Identity v, String action) {
        return AwsEstate.isDataEvent(action) && !AwsEstate.logsDataEvents(v.tenant()) ? "secretsmanager:GetSecretValue" : action;
    }

    private int hourOf(Instant t) {
        return (int) Duration.between(settings.start(), t).toHours();
    }

    /** An attacker's AWS call with the victim's current credentials (its key or its workload's session). */
    private IdentityEvent.Builder awsAttackCall(Identity v, String tag, Instant t, String action, Source source) {
        String id = "atk-" + tag + "-" + v.index() + "-" + t.getEpochSecond();
        return awsCall(v, id, t, EventCategory.API_CALL, action, source, 0, null);
    }

    private IdentityEvent.Builder attackEvent(Identity v, String tag, Instant t, EventCategory category, String action, Source source) {
        String id = "atk-" + tag + "-" + v.index() + "-" + t.getEpochSecond();
        return IdentityEvent.builder(id, t, v.platform(), v.ref())
                .tenant(v.tenant())
                .credential(new CredentialRef(v.credentialId(), v.credentialKind()))
                .category(category).action(action)
                .source(source)
                .rawRef("generated:" + id);
    }

    /** A benign Okta event of {@code v}: no session, client credentials have none. */
    private IdentityEvent.Builder event(Identity v, String tag, int k, Instant t, EventCategory category, String action, Source source) {
        String id = "ev-" + Long.toHexString(mix(settings.seed() ^ 0xB16B00B5L, t.toEpochMilli() * 31 + v.index())) + "-" + v.index() + "-" + tag + k;
        return IdentityEvent.builder(id, t, v.platform(), v.ref())
                .tenant(v.tenant())
                .credential(new CredentialRef(v.credentialId(), v.credentialKind()))
                .category(category).action(action)
                .source(source)
                .rawRef("generated:" + id);
    }

    /** The victim's own traffic around an attack is benign; the hint is stripped before writing. */
    private static IdentityEvent markBenign(IdentityEvent e) {
        Map<String, String> attributes = new LinkedHashMap<>(e.attributes());
        attributes.put("itdr.label", "benign");
        return new IdentityEvent(e.id(), e.time(), e.platform(), e.tenant(), e.identity(), e.credential(), e.category(), e.action(),
                e.outcome(), e.source(), e.session(), e.privilege(), e.workload(), e.finding(), e.target(), e.rawRef(), attributes);
    }

    private static IdentityEvent withoutLabelHint(IdentityEvent e) {
        if (!e.attributes().containsKey("itdr.label")) {
            return e;
        }
        Map<String, String> attributes = new LinkedHashMap<>(e.attributes());
        attributes.remove("itdr.label");
        return new IdentityEvent(e.id(), e.time(), e.platform(), e.tenant(), e.identity(), e.credential(), e.category(), e.action(),
                e.outcome(), e.source(), e.session(), e.privilege(), e.workload(), e.finding(), e.target(), e.rawRef(), attributes);
    }

    // ---------------------------------------------------------------- catalog

    /** Writes the identity catalog of the estate (YAML, see {@code IdentityCatalog}) to {@code file}. */
    public void writeCatalog(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("# Identity catalog of the generated estate (seed " + settings.seed() + ", " + identities.size() + " identities).\n");
            w.write("identities:\n");
            // CI roles share one pattern entry, as operators write them. GitHub-hosted runners have no
            // fixed addresses (thousands of published Azure ranges): the operator states the network owner.
            w.write("  - match: \"arn:aws:iam::*:role/ci-deploy-*\"\n    platform: aws\n    owner: team-platform\n"
                    + "    criticality: tier2\n    lifecycle: active\n    maturity: defined\n"
                    + "    expected_sources:\n      asns: [8075]\n");
            for (Identity i : identities) {
                if (i.type() == Archetype.CI_RUNNER) {
                    continue;
                }
                w.write("  - match: \"" + i.ref().id() + "\"\n");
                w.write("    platform: " + i.platform() + "\n");
                if (i.owner() != null) {
                    w.write("    owner: " + i.owner() + "\n");
                }
                w.write("    criticality: " + i.tier() + "\n");
                w.write("    lifecycle: " + i.lifecycle() + "\n");
                if (i.type() != Archetype.UNMAPPED && i.type() != Archetype.DORMANT) {
                    w.write("    consumers: [" + String.join(", ", i.homes().stream().map(h -> "\"" + h.consumer() + "\"").toList()) + "]\n");
                }
                if (i.expectedSourcesStated() && i.egress() != null) {
                    // what the operator knows: the NAT gateways' Elastic IPs and the VPC's private range
                    List<String> cidrs = new ArrayList<>();
                    i.egress().publicAddresses().forEach(a -> cidrs.add("\"" + a + "/32\""));
                    if (i.egress().privateNet() != null) {
                        cidrs.add("\"" + i.egress().privateNet() + "0/24\"");
                    }
                    w.write("    expected_sources:\n      cidrs: [" + String.join(", ", cidrs) + "]\n      regions: [" + AwsEstate.REGION + "]\n");
                } else if (i.expectedSourcesStated()) {
                    Site s = i.homes().get(0).site();
                    w.write("    expected_sources:\n      cidrs: [\"" + s.net() + "0/24\"]\n      asns: [" + s.asn() + "]\n"
                            + "      regions: [" + s.region() + "]\n");
                }
                if (i.type() == Archetype.PAYMENTS) {
                    w.write("    secret_destination: \"arn:aws:secretsmanager:us-east-1:" + i.tenant() + ":secret:payments-core-key\"\n");
                }
            }
            ci.writeCatalog(w);
        }
    }

    // ---------------------------------------------------------------- randomness

    private static int poisson(double mean, SplittableRandom r) {
        double l = Math.exp(-mean);
        int k = 0;
        double p = 1;
        do {
            k++;
            p *= r.nextDouble();
        } while (p > l && k < 1000);
        return k - 1;
    }

    private String uuid(long i) {
        long a = mix(settings.seed(), i);
        long b = mix(settings.seed() + 1, i);
        return String.format("%08x-%04x-4%03x-a%03x-%012x", (int) (a >>> 32), (int) (a >>> 16) & 0xffff, (int) a & 0xfff,
                (int) (b >>> 52) & 0xfff, b & 0xffffffffffffL);
    }
}
