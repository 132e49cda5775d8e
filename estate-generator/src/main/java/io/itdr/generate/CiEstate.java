package io.itdr.generate;

import static io.itdr.fixture.record.Rendering.mix;

import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.event.Source;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The estate's CI/CD identities on GitHub (organization {@value #GITHUB_ORG}) and GitLab (group {@value #GITLAB_GROUP}),
 * their benign traffic and one attack on a CI token, generated beside {@link EstateGenerator}'s estate with their own
 * randomness (derived from the seed), so that the rest of the estate is byte-identical with or without them.
 *
 * <p>Identities, as the connectors name them:
 * <ul>
 *   <li>{@value #RELEASE_BOT}: a machine user's fine-grained personal access token ({@code token_id} {@value #RELEASE_TOKEN})
 *       that the release pipeline uses from the organization's self-hosted runners (one /24, many addresses), a few
 *       clones an hour. Fine-grained tokens used by automation are how GitHub documents machine access for a user
 *       account (https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens).</li>
 *   <li>{@value #DEPLOY_APP}: a GitHub App installation cloning from GitHub-hosted runners, whose addresses change with every job
 *       across Azure's ranges, each job with its own hour-long installation token (the benign look-alike of a token
 *       used from many networks: each token is seen from one).</li>
 *   <li>A deploy key of {@code web-frontend} (inventory only) and, on GitLab, a project access token's bot user
 *       ({@value #GITLAB_BOT_ID}, {@code project_101_bot_…}) whose token a maintainer's scheduled job rotates every day
 *       (benign: a token created and the old one revoked, from the office).</li>
 * </ul>
 *
 * <p>The attack (family {@code token_replay}): the release token, leaked (e.g. from a build log or a fork's workflow), is
 * used from an unfamiliar network within the hour the pipeline used it, cloning one repository after another: a
 * token enumerating the organization's code. Public cases: a GitHub token leaked in a public repository gave access to
 * all of Mercedes-Benz's internal repositories (RedHunt Labs, January 2024,
 * https://redhuntlabs.com/blog/mercedes-benz-source-code-at-risk-github-token-mishap-sparks-major-security-concern/);
 * MITRE ATT&CK T1213.003 Data from Information Repositories: Code Repositories (https://attack.mitre.org/techniques/T1213/003/)
 * and T1528 Steal Application Access Token (https://attack.mitre.org/techniques/T1528/). Deterministic; not thread-safe.
 */
final class CiEstate {
    static final String GITHUB_ORG = "example-org";
    static final String GITLAB_GROUP = "example-group";
    static final String RELEASE_BOT = "release-bot";
    static final String RELEASE_TOKEN = "4100001";
    static final String DEPLOY_APP = "deploy-bot[bot]";
    static final String GITLAB_BOT_ID = "2101";
    static final String GITLAB_BOT = "project_101_bot_5f3a9c";
    static final String GITLAB_TOKEN = "3101";
    /** The self-hosted runners' egress network (the catalog's expected source of the release token). */
    static final String RUNNER_NET = "192.0.2.";
    private static final String[] REPOS = {"web-frontend", "payments-api", "infra-live", "billing-jobs", "mobile-app", "data-pipeline",
            "identity-service", "docs"};
    private static final long SALT = 0xC1C1_D00D_5EEDL;

    /** An attack's events; {@code benign} are the victim's own uses around it. */
    record CiAttack(String family, List<IdentityEvent> events, List<String> benign) {
    }

    private final GeneratorSettings settings;

    CiEstate(GeneratorSettings settings) {
        this.settings = settings;
    }

    List<EstateGenerator.GeneratedIdentity> identities() {
        return List.of(
                new EstateGenerator.GeneratedIdentity("github", GITHUB_ORG, new IdentityRef(RELEASE_BOT, "fine_grained_pat", RELEASE_BOT),
                        RELEASE_TOKEN, "fine_grained_pat", "team-platform", "active"),
                new EstateGenerator.GeneratedIdentity("github", GITHUB_ORG, new IdentityRef(DEPLOY_APP, "github_app", DEPLOY_APP), null,
                        "installation_token", "team-web", "active"),
                new EstateGenerator.GeneratedIdentity("github", GITHUB_ORG, new IdentityRef(GITHUB_ORG + "/web-frontend:deploy_key:5501",
                        "deploy_key", "web-frontend deploy"), "5501", "deploy_key", "team-web", "active"),
                new EstateGenerator.GeneratedIdentity("gitlab", GITLAB_GROUP, new IdentityRef(GITLAB_BOT_ID, "project_access_token", GITLAB_BOT),
                        GITLAB_TOKEN, "project_access_token", "team-data", "active"));
    }

    /** The benign CI/CD events of {@code hour} (starting at {@code from}), added to {@code out}. */
    void hour(int hour, Instant from, List<IdentityEvent> out) {
        SplittableRandom r = new SplittableRandom(mix(settings.seed() ^ SALT, hour));
        // the release pipeline: 1–3 clones an hour from the self-hosted runners
        int clones = 1 + r.nextInt(3);
        for (int k = 0; k < clones; k++) {
            Instant t = from.plusSeconds(60L * r.nextInt(60) + r.nextInt(60));
            out.add(clone("ci-gh-rel-" + hour + "-" + k, t, RELEASE_BOT, "fine_grained_pat", RELEASE_TOKEN, REPOS[r.nextInt(3)],
                    RUNNER_NET + (10 + r.nextInt(50)), "US", "git/2.43.0"));
        }
        // the deploy app: a job every other hour on a GitHub-hosted runner, with a new installation token
        if (hour % 2 == 0) {
            Instant t = from.plusSeconds(60L * r.nextInt(60));
            out.add(clone("ci-gh-app-" + hour, t, DEPLOY_APP, "github_app", "sha256:" + hashed(hour), "web-frontend", AwsEstate.runnerAddress(r),
                    "US", "git/2.45.1"));
        }
        // GitLab: a maintainer's scheduled job rotates the project token daily, from the office
        if (hour % 24 == 6) {
            Instant t = from.plusSeconds(300 + r.nextInt(600));
            out.add(IdentityEvent.builder("ci-gl-rot-" + hour, t, "gitlab", new IdentityRef(GITLAB_BOT_ID, "project_access_token", GITLAB_BOT))
                    .tenant(GITLAB_GROUP).credential(new CredentialRef(GITLAB_TOKEN, "project_access_token"))
                    .category(EventCategory.PRIVILEGE_CHANGE).action("project_access_token_created")
                    .source(new Source("198.51.100." + (20 + r.nextInt(10)), null, null, null, null, null))
                    .target("project/101").rawRef("generated:ci-gl-rot-" + hour).build());
        }
    }

    /** The attack on the release token; its own randomness, so it changes nothing else. */
    List<CiAttack> attacks() {
        SplittableRandom r = new SplittableRandom(mix(settings.seed() ^ SALT, -1));
        Instant t = settings.start().plus(Duration.ofDays(settings.days() - 1)).plus(Duration.ofHours(9)).plusSeconds(60L * r.nextInt(20));
        List<IdentityEvent> events = new ArrayList<>();
        List<String> benign = new ArrayList<>();
        IdentityEvent own = clone("ci-atk-own-" + t.getEpochSecond(), t.minus(Duration.ofMinutes(12)), RELEASE_BOT, "fine_grained_pat",
                RELEASE_TOKEN, "payments-api", RUNNER_NET + 17, "US", "git/2.43.0");
        events.add(own);
        benign.add(own.id());
        String attacker = "185.220.101." + (30 + r.nextInt(20));
        for (int k = 0; k < 6; k++) {
            events.add(clone("ci-atk-enum-" + t.getEpochSecond() + "-" + k, t.plusSeconds(20L * k), RELEASE_BOT, "fine_grained_pat", RELEASE_TOKEN,
                    REPOS[(k + 2) % REPOS.length], attacker, "DE", "git/2.39.2"));
        }
        return List.of(new CiAttack("token_replay", events, benign));
    }

    /** Catalog entries of the CI/CD identities (owner, tier, consumers, expected sources). */
    void writeCatalog(Writer w) throws IOException {
        w.write("  - match: \"" + RELEASE_BOT + "\"\n    platform: github\n    owner: team-platform\n    criticality: tier2\n"
                + "    lifecycle: active\n    consumers: [\"release-pipeline\"]\n    expected_sources:\n      cidrs: [\"" + RUNNER_NET + "0/24\"]\n");
        w.write("  - match: \"" + DEPLOY_APP + "\"\n    platform: github\n    owner: team-web\n    criticality: tier3\n"
                + "    lifecycle: active\n    consumers: [\"web-deploy\"]\n");
        w.write("  - match: \"" + GITHUB_ORG + "/web-frontend:deploy_key:*\"\n    platform: github\n    owner: team-web\n    criticality: tier3\n"
                + "    lifecycle: active\n");
        w.write("  - match: \"" + GITLAB_BOT_ID + "\"\n    platform: gitlab\n    owner: team-data\n    criticality: tier3\n"
                + "    lifecycle: active\n    consumers: [\"data-pipeline\"]\n");
    }

    private IdentityEvent clone(String id, Instant t, String actor, String kind, String credential, String repo, String ip, String country,
                                String agent) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("actor_location.country_code", country);
        return IdentityEvent.builder(id, t, "github", new IdentityRef(actor, kind, actor))
                .tenant(GITHUB_ORG).credential(new CredentialRef(credential, kind))
                .category(EventCategory.API_CALL).action("git.clone")
                .source(new Source(ip, null, null, null, agent, null))
                .target(GITHUB_ORG + "/" + repo).rawRef("generated:" + id).attributes(attributes).build();
    }

    /** The SHA-256 (base64) GitHub logs for the installation token of the deploy app's job in {@code hour}. */
    private String hashed(int hour) {
        long a = mix(settings.seed() ^ SALT, 1_000_000L + hour);
        long b = mix(a, hour);
        return java.util.Base64.getEncoder().withoutPadding().encodeToString(java.nio.ByteBuffer.allocate(32).putLong(a).putLong(b)
                .putLong(a ^ b).putLong(a + b).array());
    }
}
