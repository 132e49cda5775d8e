package io.itdr.generate;

import static io.itdr.fixture.record.Rendering.mix;

import io.itdr.core.normalize.EventJson;
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
 * <p>Behaviour modelled: CI runners deploying from fixed ranges on a schedule; service accounts
 * with diurnal load, each from its own hosts; a shared account used by several applications;
 * orphaned identities with no owner; dormant keys; identities nobody mapped to a workload; a tier-0
 * payment service. Attacks (labelled malicious, with their family): token replay from a new ASN,
 * impossible travel, dormant key reuse, privilege escalation then use, credential use outside its
 * workload, and platform findings. They are placed on identities chosen so that each built-in
 * guardrail of the default policy has something to hold. Everything else is labelled benign.
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

    /** Attack families, named after the detector expected to catch them. */
    public static final List<String> FAMILIES = List.of("token_replay", "impossible_travel", "dormant_reactivated",
            "privilege_change_then_use", "outside_workload", "platform_finding");

    enum Archetype { PAYMENTS, SHARED, CI_RUNNER, SERVICE, ORPHAN, DORMANT, UNMAPPED }

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

    /** One generated identity. */
    record Identity(int index, Archetype type, String platform, String tenant, IdentityRef ref, String credentialId,
                    String credentialKind, String owner, String tier, String lifecycle, List<Home> homes,
                    boolean expectedSourcesStated, double eventsPerHour) {
        String key() {
            return IdentityEvent.identityKey(platform, tenant, ref.id());
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
    private static final Site CI_SITE = new Site("198.51.100.", 36459, "GITHUB", "US", "us-east-1", "Ashburn", 39.04, -77.49);
    private static final Site ATTACKER_FRANKFURT = new Site("185.220.101.", 205100, "F3 NETZE", "DE", "HE", "Frankfurt", 50.11, 8.68);
    private static final Site ATTACKER_SINGAPORE = new Site("45.76.180.", 20473, "AS-CHOOPA", "SG", "SG", "Singapore", 1.35, 103.82);
    private static final Site ATTACKER_SAO_PAULO = new Site("177.54.150.", 262287, "MAXIHOST", "BR", "SP", "Sao Paulo", -23.55, -46.63);
    private static final Site ATTACKER_VIRGINIA = new Site("203.0.113.", 14061, "DIGITALOCEAN", "US", "VA", "Ashburn", 39.04, -77.49);

    private static final String[] PLATFORMS = {"aws", "aws", "aws", "aws", "okta", "okta", "gcp", "gcp", "azure", "azure"};
    private static final Map<String, String[]> ACTIONS = Map.of(
            "aws", new String[]{"s3:GetObject", "s3:PutObject", "sqs:SendMessage", "dynamodb:Query", "kms:Decrypt", "sts:GetCallerIdentity"},
            "okta", new String[]{"okta.users.read", "okta.groups.read", "okta.apps.read", "okta.logs.read"},
            "gcp", new String[]{"storage.objects.get", "pubsub.topics.publish", "bigquery.jobs.create", "secretmanager.versions.access"},
            "azure", new String[]{"Microsoft.Storage/storageAccounts/read", "Microsoft.KeyVault/vaults/secrets/read", "Microsoft.Graph/users/read"});
    private static final Map<String, String> AUTH_ACTION = Map.of(
            "aws", "sts:AssumeRole", "okta", "app.oauth2.as.token.grant.access_token", "gcp", "iamcredentials.generateAccessToken",
            "azure", "servicePrincipal.signIn");
    private static final String[] TEAMS = {"team-payments", "team-identity", "team-data", "team-platform", "team-web",
            "team-mobile", "team-search", "team-billing", "team-ml", "team-ops"};

    private final GeneratorSettings settings;
    private final List<Identity> identities = new ArrayList<>();
    private final List<Attack> attacks = new ArrayList<>();

    public EstateGenerator(GeneratorSettings settings) {
        this.settings = settings;
        buildIdentities();
        buildAttacks();
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

    /** One identity of the estate as the platform knows it: for seeding simulated platforms with it. */
    public record GeneratedIdentity(String platform, String tenant, IdentityRef ref, String credentialId, String credentialKind,
                                    String owner, String lifecycle) {
        public GeneratedIdentity {
            Objects.requireNonNull(platform, "platform");
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(credentialId, "credentialId");
        }
    }

    /** The estate's identities, in generation order; owner may be null (an orphan), tenant is never null. */
    public List<GeneratedIdentity> identities() {
        return identities.stream().map(i -> new GeneratedIdentity(i.platform(), i.tenant(), i.ref(), i.credentialId(),
                i.credentialKind(), i.owner(), i.lifecycle())).toList();
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
                events.write(EventJson.write(e));
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
        int hours = settings.days() * 24;
        List<IdentityEvent> slice = new ArrayList<>();
        for (int hour = 0; hour < hours; hour++) {
            slice.clear();
            Instant from = settings.start().plus(Duration.ofHours(hour));
            for (Identity identity : identities) {
                benignHour(identity, hour, from, slice);
            }
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
        Map<String, Integer> byType = new LinkedHashMap<>();
        identities.forEach(i -> byType.merge(i.type().name().toLowerCase(Locale.ROOT), 1, Integer::sum));
        return new Summary(counts[0], counts[1], identities.size(), byFamily, byType);
    }

    // ---------------------------------------------------------------- identities

    private void buildIdentities() {
        SplittableRandom random = new SplittableRandom(settings.seed());
        int n = settings.identities();
        for (int i = 0; i < n; i++) {
            Archetype type = archetypeOf(i, n);
            String platform = switch (type) {
                case PAYMENTS, SHARED, CI_RUNNER -> "aws";
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
        return switch (i % 20) {
            case 3, 7, 11 -> Archetype.CI_RUNNER;
            case 5 -> Archetype.ORPHAN;
            case 9 -> Archetype.DORMANT;
            case 13 -> Archetype.UNMAPPED;
            default -> Archetype.SERVICE;
        };
    }

    private Identity identity(int i, Archetype type, String platform, SplittableRandom random) {
        String tenant = switch (platform) {
            case "aws" -> "1111222233" + (33 + i % 3);
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
            default -> "svc-" + i;
        };
        String hex = String.format("%016X", mix(settings.seed(), i));
        IdentityRef ref;
        String credentialId;
        String credentialKind;
        switch (platform) {
            case "aws" -> {
                boolean role = type == Archetype.CI_RUNNER || type == Archetype.PAYMENTS;
                ref = new IdentityRef("arn:aws:iam::" + tenant + ":" + (role ? "role/" : "user/") + name, role ? "iam_role" : "iam_user", name);
                credentialId = "AKIA" + hex;
                credentialKind = "access_key";
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
            default -> TEAMS[random.nextInt(TEAMS.length)];
        };
        String tier = switch (type) {
            case PAYMENTS -> "tier0";
            case SHARED -> "tier1";
            case CI_RUNNER -> "tier2";
            default -> random.nextInt(3) == 0 ? "tier3" : "tier2";
        };
        String lifecycle = type == Archetype.DORMANT ? "dormant" : "active";
        Site site = type == Archetype.CI_RUNNER ? CI_SITE : CLOUD_SITES.get(Math.floorMod(mix(settings.seed(), i * 31L), CLOUD_SITES.size()));
        List<Home> homes = new ArrayList<>();
        int consumers = type == Archetype.SHARED ? 3 : 1;
        for (int c = 0; c < consumers; c++) {
            // Each consumer runs in its own /24 of the identity's site.
            Site own = type == Archetype.CI_RUNNER ? site
                    : new Site(site.net() + ((i * 7 + c * 3) % 250) + ".", site.asn(), site.asOrg(), site.country(), site.region(),
                    site.city(), site.lat(), site.lon());
            String consumer = switch (type) {
                case CI_RUNNER -> "github-actions:" + name;
                case SHARED -> "etl-" + (char) ('a' + c) + "-" + i; // three applications share the account
                default -> name + "-app";
            };
            String agent = switch (type) {
                case CI_RUNNER -> "aws-cli/2.15.0 GitHub-Actions";
                default -> switch (platform) {
                    case "aws" -> c == 0 ? "aws-sdk-java/2.57.8" : "Boto3/1.35.0";
                    case "okta" -> "okta-sdk-java/24.0.0";
                    case "gcp" -> "google-api-java-client/2.7.0";
                    default -> "azsdk-java-azure-identity/1.18.4";
                };
            };
            homes.add(new Home(own, consumer, agent));
        }
        double rate = switch (type) {
            case PAYMENTS -> 4.0;
            case SHARED -> 1.5;
            case CI_RUNNER, DORMANT -> 0.0; // CI runs on a schedule; dormant keys are unused
            case ORPHAN -> 0.3;
            default -> 0.4 + random.nextDouble() * 0.8;
        };
        boolean expected = type == Archetype.PAYMENTS || type == Archetype.CI_RUNNER || (type == Archetype.SERVICE && i % 4 == 0);
        return new Identity(i, type, platform, tenant, ref, credentialId, credentialKind, owner, tier, lifecycle, homes, expected, rate);
    }

    // ---------------------------------------------------------------- benign traffic

    private void benignHour(Identity id, int hour, Instant from, List<IdentityEvent> out) {
        if (id.type() == Archetype.DORMANT) {
            return;
        }
        SplittableRandom r = new SplittableRandom(mix(settings.seed() ^ 0x5DEECE66DL, id.index() * 100_003L + hour));
        int hourOfDay = hour % 24;
        if (id.type() == Archetype.CI_RUNNER) {
            // A deploy every 6 hours at a fixed minute: assume the role, then a few calls.
            if (hourOfDay % 6 == id.index() % 6) {
                Instant t = from.plusSeconds(60L * (id.index() % 50));
                Home home = id.homes().get(0);
                String session = "ci-" + id.index() + "-" + hour;
                out.add(benign(id, home, t, EventCategory.AUTHENTICATION, "sts:AssumeRoleWithWebIdentity", session, t, r));
                for (int k = 1; k <= 3; k++) {
                    out.add(benign(id, home, t.plusSeconds(20L * k), EventCategory.API_CALL,
                            k == 3 ? "cloudformation:UpdateStack" : "s3:PutObject", session, t, r));
                }
            }
            return;
        }
        // Benign novelty: now and then an operator runs a new tool with a service's key from the
        // service's own network. Detectors may notice; the policy must not disrupt anything for it.
        if (id.type() == Archetype.SERVICE && id.index() % 10 == 4 && hour == (settings.days() / 2) * 24 + 15) {
            Home home = id.homes().get(0);
            Instant t = from.plusSeconds(600);
            if (!inQuietWindow(id, t)) {
                Home tool = new Home(home.site(), home.consumer(), "Terraform/1.9.5 (+https://www.terraform.io)");
                out.add(benign(id, tool, t, EventCategory.API_CALL, ACTIONS.get(id.platform())[0], "s-" + id.index() + "-tool-" + hour, t, r));
            }
        }
        // Diurnal load: business hours of the identity's site carry most of it.
        boolean businessHours = hourOfDay >= 12 && hourOfDay <= 23;
        double expected = id.eventsPerHour() * (businessHours ? 1.6 : 0.35);
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

    private boolean inQuietWindow(Identity id, Instant t) {
        for (Attack a : attacks) {
            if (a.victim() == id && !t.isBefore(a.quietFrom()) && t.isBefore(a.quietTo())) {
                return true;
            }
        }
        return false;
    }

    private IdentityEvent benign(Identity id, Home home, Instant t, EventCategory category, String action, String session,
                                 Instant issued, SplittableRandom r) {
        String eventId = "ev-" + Long.toHexString(mix(settings.seed() ^ 0xB16B00B5L, t.toEpochMilli() * 31 + id.index())) + "-" + id.index();
        Workload workload = id.type() == Archetype.UNMAPPED ? null : new Workload(home.consumer(), id.type() == Archetype.CI_RUNNER ? "ci_job" : "k8s", home.consumer());
        return IdentityEvent.builder(eventId, t, id.platform(), id.ref())
                .tenant(id.tenant())
                .credential(new CredentialRef(id.credentialId(), id.credentialKind()))
                .category(category).action(action)
                .source(new Source(home.site().ip(r.nextInt(8)), home.site().asn(), home.site().asOrg(), home.site().geo(), home.userAgent(), false))
                .session(new SessionInfo(session, null, issued, null))
                .workload(workload)
                .rawRef("generated:" + eventId)
                .build();
    }

    // ---------------------------------------------------------------- attacks

    private void buildAttacks() {
        int days = settings.days();
        Instant base = settings.start().plus(Duration.ofDays(days - 2)).plus(Duration.ofHours(14));
        List<Identity> services = identities.stream().filter(i -> i.type() == Archetype.SERVICE && i.platform().equals("aws")).toList();
        List<Identity> anyServices = identities.stream().filter(i -> i.type() == Archetype.SERVICE).toList();
        Identity payments = first(Archetype.PAYMENTS);
        Identity shared = first(Archetype.SHARED);
        Identity orphan = first(Archetype.ORPHAN);
        Identity unmapped = first(Archetype.UNMAPPED);
        Identity dormant = first(Archetype.DORMANT);
        Identity ci = first(Archetype.CI_RUNNER);
        Identity oktaService = anyServices.stream().filter(i -> i.platform().equals("okta")).findFirst().orElse(anyServices.get(0));
        Identity azureService = anyServices.stream().filter(i -> i.platform().equals("azure")).findFirst().orElse(anyServices.get(1));
        int slot = 0;
        // Token replay on an ordinary owned tier-2/3 service: reversible containment is expected.
        attacks.add(tokenReplay(services.get(0), at(base, slot++)));
        // ... on the shared account and the tier-0 payment service: guardrails must hold.
        attacks.add(tokenReplay(shared, at(base, slot++)));
        attacks.add(outsideWorkload(payments, at(base, slot++)));
        // ... on an identity with no owner, and on one nobody mapped to a workload.
        attacks.add(impossibleTravel(orphan, at(base, slot++)));
        attacks.add(impossibleTravel(unmapped, at(base, slot++)));
        // ... on platforms where the containment rung is irreversible or has no rollback path.
        attacks.add(tokenReplay(oktaService, at(base, slot++)));
        attacks.add(tokenReplay(azureService, at(base, slot++)));
        attacks.add(dormantReuse(dormant, at(base, slot++)));
        attacks.add(privilegeEscalation(services.get(1), at(base, slot++)));
        attacks.add(outsideWorkload(ci, at(base, slot++)));
        attacks.add(platformFinding(services.get(2), at(base, slot++)));
        // A campaign against one team's keys within one hour: the disruptive-action budget must bite.
        Instant campaign = base.plus(Duration.ofDays(1));
        String team = services.get(3).owner();
        List<Identity> teamKeys = services.subList(3, services.size()).stream().filter(i -> team.equals(i.owner())).limit(6).toList();
        for (int k = 0; k < teamKeys.size(); k++) {
            attacks.add(tokenReplay(teamKeys.get(k), campaign.plus(Duration.ofMinutes(5L * k))));
        }
    }

    private Identity first(Archetype type) {
        return identities.stream().filter(i -> i.type() == type).findFirst()
                .orElseThrow(() -> new IllegalStateException("estate too small for a " + type + " identity"));
    }

    private static Instant at(Instant base, int slot) {
        return base.plus(Duration.ofMinutes(40L * slot));
    }

    private Attack tokenReplay(Identity v, Instant t) {
        Home home = v.homes().get(0);
        String session = "s-" + v.index() + "-hijacked-" + t.getEpochSecond();
        Instant issued = t.minus(Duration.ofMinutes(30));
        IdentityEvent own = event(v, "tr-own", t, EventCategory.API_CALL, ACTIONS.get(v.platform())[0], home.site(), 5, home.userAgent(),
                session, issued, true).build();
        IdentityEvent replay = event(v, "tr-replay", t.plusSeconds(240), EventCategory.API_CALL, ACTIONS.get(v.platform())[1],
                ATTACKER_VIRGINIA, 7, "python-requests/2.31", session, issued, false).build();
        return new Attack("token_replay", v, List.of(markBenign(own), replay), t.minus(Duration.ofMinutes(20)), t.plus(Duration.ofMinutes(20)));
    }

    private Attack impossibleTravel(Identity v, Instant t) {
        Home home = v.homes().get(0);
        IdentityEvent own = event(v, "it-own", t, EventCategory.API_CALL, ACTIONS.get(v.platform())[0], home.site(), 9, home.userAgent(),
                null, null, true).build();
        IdentityEvent far = event(v, "it-far", t.plus(Duration.ofMinutes(25)), EventCategory.API_CALL, ACTIONS.get(v.platform())[2],
                ATTACKER_SINGAPORE, 12, home.userAgent(), null, null, false).build();
        return new Attack("impossible_travel", v, List.of(markBenign(own), far), t.minus(Duration.ofMinutes(20)), t.plus(Duration.ofMinutes(45)));
    }

    private Attack dormantReuse(Identity v, Instant t) {
        IdentityEvent use = event(v, "dr-use", t, EventCategory.API_CALL, "iam:ListUsers", ATTACKER_FRANKFURT, 3,
                "aws-cli/2.9.0", null, null, false).build();
        return new Attack("dormant_reactivated", v, List.of(use), t.minus(Duration.ofMinutes(5)), t.plus(Duration.ofMinutes(5)));
    }

    private Attack privilegeEscalation(Identity v, Instant t) {
        Home home = v.homes().get(0);
        IdentityEvent grant = event(v, "pe-grant", t, EventCategory.PRIVILEGE_CHANGE, "iam:AttachUserPolicy", home.site(), 11,
                home.userAgent(), null, null, false)
                .privilege(new PrivilegeChange(List.of("arn:aws:iam::aws:policy/AdministratorAccess"), true))
                .target(v.ref().id())
                .build();
        IdentityEvent use = event(v, "pe-use", t.plusSeconds(90), EventCategory.API_CALL, "iam:CreateUser", home.site(), 11,
                home.userAgent(), null, null, false)
                .privilege(new PrivilegeChange(List.of("iam:CreateUser"), null))
                .build();
        return new Attack("privilege_change_then_use", v, List.of(grant, use), t.minus(Duration.ofMinutes(15)), t.plus(Duration.ofMinutes(75)));
    }

    private Attack outsideWorkload(Identity v, Instant t) {
        IdentityEvent use = event(v, "ow-use", t, EventCategory.API_CALL, ACTIONS.get(v.platform())[3], ATTACKER_SAO_PAULO, 21,
                v.homes().get(0).userAgent(), null, null, false).build();
        return new Attack("outside_workload", v, List.of(use), t.minus(Duration.ofMinutes(20)), t.plus(Duration.ofMinutes(20)));
    }

    private Attack platformFinding(Identity v, Instant t) {
        IdentityEvent finding = event(v, "pf", t, EventCategory.PLATFORM_FINDING,
                "GuardDuty:UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", ATTACKER_FRANKFURT, 4,
                "aws-sdk-go/1.44", null, null, false)
                .finding(new PlatformFinding("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 0.9, "8.0",
                        "Credentials created exclusively for an EC2 instance are being used from an external IP address."))
                .build();
        return new Attack("platform_finding", v, List.of(finding), t.minus(Duration.ofMinutes(5)), t.plus(Duration.ofMinutes(5)));
    }

    private IdentityEvent.Builder event(Identity v, String tag, Instant t, EventCategory category, String action, Site site,
                                        int host, String agent, String session, Instant issued, boolean fromHome) {
        String id = "atk-" + tag + "-" + v.index() + "-" + t.getEpochSecond();
        Workload workload = fromHome && v.type() != Archetype.UNMAPPED ? new Workload(v.homes().get(0).consumer(), "k8s", v.homes().get(0).consumer()) : null;
        return IdentityEvent.builder(id, t, v.platform(), v.ref())
                .tenant(v.tenant())
                .credential(new CredentialRef(v.credentialId(), v.credentialKind()))
                .category(category).action(action)
                .source(new Source(site.ip(host), site.asn(), site.asOrg(), site.geo(), agent, false))
                .session(session == null ? null : new SessionInfo(session, null, issued, null))
                .workload(workload)
                .rawRef("generated:" + id);
    }

    /** The victim's own traffic around an attack is benign; the hint is stripped before writing. */
    private static IdentityEvent markBenign(IdentityEvent e) {
        return new IdentityEvent(e.id(), e.time(), e.platform(), e.tenant(), e.identity(), e.credential(), e.category(), e.action(),
                e.outcome(), e.source(), e.session(), e.privilege(), e.workload(), e.finding(), e.target(), e.rawRef(),
                Map.of("itdr.label", "benign"));
    }

    private static IdentityEvent withoutLabelHint(IdentityEvent e) {
        if (!e.attributes().containsKey("itdr.label")) {
            return e;
        }
        return new IdentityEvent(e.id(), e.time(), e.platform(), e.tenant(), e.identity(), e.credential(), e.category(), e.action(),
                e.outcome(), e.source(), e.session(), e.privilege(), e.workload(), e.finding(), e.target(), e.rawRef(), Map.of());
    }

    // ---------------------------------------------------------------- catalog

    /** Writes the identity catalog of the estate (YAML, see {@code IdentityCatalog}) to {@code file}. */
    public void writeCatalog(Path file) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("# Identity catalog of the generated estate (seed " + settings.seed() + ", " + identities.size() + " identities).\n");
            w.write("identities:\n");
            // CI runners share one pattern entry, as operators write them.
            w.write("  - match: \"arn:aws:iam::*:role/ci-deploy-*\"\n    platform: aws\n    owner: team-platform\n"
                    + "    criticality: tier2\n    lifecycle: active\n    maturity: defined\n"
                    + "    expected_sources:\n      cidrs: [\"" + CI_SITE.net() + "0/24\"]\n      asns: [" + CI_SITE.asn() + "]\n");
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
                if (i.expectedSourcesStated()) {
                    Site s = i.homes().get(0).site();
                    w.write("    expected_sources:\n      cidrs: [\"" + s.net() + "0/24\"]\n      asns: [" + s.asn() + "]\n"
                            + "      regions: [" + s.region() + "]\n");
                }
                if (i.type() == Archetype.PAYMENTS) {
                    w.write("    secret_destination: \"arn:aws:secretsmanager:us-east-1:" + i.tenant() + ":secret:payments-core-key\"\n");
                }
            }
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
