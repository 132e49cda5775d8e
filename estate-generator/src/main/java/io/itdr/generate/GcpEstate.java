package io.itdr.generate;

import static io.itdr.fixture.record.Rendering.mix;

import io.itdr.generate.EstateGenerator.Attack;
import io.itdr.generate.EstateGenerator.Identity;
import io.itdr.generate.EstateGenerator.Site;
import io.itdr.spi.event.CredentialRef;
import io.itdr.spi.event.EventCategory;
import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.event.PrivilegeChange;
import io.itdr.spi.event.Source;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiPredicate;

/**
 * What Google Cloud service accounts do in the estate beyond their own calls, as Cloud Audit Logs record it, and the
 * attacks on them. Every choice cites the page that documents it; nothing looks at what a detector fires on.
 *
 * <ul>
 *   <li>A call made with a user-managed key names the key ({@code authenticationInfo.serviceAccountKeyName}); a call
 *       made with a token minted by impersonation names no key, and lists the principals that delegated in
 *       {@code serviceAccountDelegationInfo}, the original caller first; the minting itself is
 *       {@code GenerateAccessToken} of {@code iamcredentials.googleapis.com} on {@code projects/-/serviceAccounts/X}
 *       (https://cloud.google.com/iam/docs/audit-logging/examples-service-accounts,
 *       https://cloud.google.com/logging/docs/reference/audit/auditlog/rest/Shared.Types/AuditLog#authenticationinfo).
 *       Events carry what the connector's normalizer makes of them: attributes {@code service_name},
 *       {@code resource_name}, {@code delegated_by}, {@code delegation_chain}, {@code binding_deltas}; a policy
 *       change's target is the principal it grants to.</li>
 *   <li>Benign, labelled benign: a CI pipeline's service account impersonates the project's deployer every six hours
 *       from GitHub-hosted runners (https://github.com/google-github-actions/auth: a key in the repository's secrets,
 *       then {@code service_account} impersonation; https://cloud.google.com/iam/docs/service-account-impersonation),
 *       and once a day runs Terraform as the deployer, which grants an application's account a narrow role
 *       (SetIamPolicy, https://cloud.google.com/iam/docs/audit-logging/examples-iam); the same pipeline rotates an
 *       application's user-managed key: CreateServiceAccountKey, the application switching an hour later, the old
 *       key disabled the next day and deleted the day after (https://cloud.google.com/iam/docs/key-rotation).</li>
 *   <li>Attacks (labelled malicious): a user-managed key exfiltrated and used from the attacker's network — Google's
 *       own warning on keys (https://cloud.google.com/iam/docs/best-practices-for-managing-service-account-keys:
 *       "leaked service account keys"), MITRE ATT&amp;CK T1078.004 Valid Accounts: Cloud Accounts and T1552.001
 *       Credentials in Files, Stratus Red Team {@code gcp.persistence.create-service-account-key} for the key as a
 *       credential (family access_key_theft); then, with the stolen key, an impersonation chain: the account, which
 *       holds Service Account Token Creator on its project (a project-level grant lets it impersonate every account
 *       there), mints a token for the deployer, and as the deployer grants the deployer roles/owner on the project and
 *       uses it — Stratus Red Team {@code gcp.privilege-escalation.impersonate-service-accounts}, MITRE T1548.005
 *       Temporary Elevated Cloud Access and T1098.003 Additional Cloud Roles, Rhino Security Labs' GCP escalation
 *       through {@code iam.serviceAccounts.getAccessToken} and {@code resourcemanager.projects.setIamPolicy}
 *       (https://rhinosecuritylabs.com/gcp/privilege-escalation-google-cloud-platform-part-1/) (family
 *       impersonation_chain).</li>
 * </ul>
 *
 * <p>Its randomness is its own, derived from the estate's seed: the estate's other events do not move when this class
 * changes. Not thread-safe; one per generator.
 */
public final class GcpEstate {
    /** A role granted to a member on a project's IAM policy at the estate's start. */
    public record Binding(String project, String role, String member) {
    }

    static final String CREDENTIALS_SERVICE = "iamcredentials.googleapis.com";
    static final String IAM_SERVICE = "iam.googleapis.com";
    static final String PROJECTS_SERVICE = "cloudresourcemanager.googleapis.com";
    static final String TOKEN_CREATOR = "roles/iam.serviceAccountTokenCreator";
    static final String PROJECT_IAM_ADMIN = "roles/resourcemanager.projectIamAdmin";

    /** A VPS in Amsterdam the attacker runs gcloud from. */
    private static final Site ATTACKER_AMSTERDAM = new Site("146.190.17.", 14061, "DIGITALOCEAN", "NL", "NH", "Amsterdam", 52.37, 4.90);
    private static final String GCLOUD = "google-cloud-sdk gcloud/502.0.0 command/%s invocation-id/%s environment/None "
            + "environment-version/None client-os/LINUX client-os-ver/6.6.15 client-pltf-arch/x86_64 interactive/False "
            + "from-script/True python/3.11.8 term/xterm-256color";
    private static final String AUTH_ACTION_AGENT = "google-github-actions:auth/2.1.7 google-api-nodejs-client/9.15.1";
    private static final String TERRAFORM = "Terraform/1.9.5 (+https://www.terraform.io) Terraform-Plugin-SDK/2.33.0 "
            + "terraform-provider-google/6.8.0";
    /** Roles of an application's account, one per role family of what it calls. */
    private static final String[] APP_ROLES = {"roles/storage.objectViewer", "roles/pubsub.publisher", "roles/bigquery.jobUser",
            "roles/secretmanager.secretAccessor"};

    private final GeneratorSettings settings;
    private final List<Identity> accounts;
    /** The account whose key is stolen, the deployer, the pipeline that impersonates it, the application whose key is rotated. */
    private final Identity stolen;
    private final Identity deployer;
    private final Identity pipeline;
    private final Identity rotated;

    GcpEstate(GeneratorSettings settings, List<Identity> identities) {
        this.settings = settings;
        this.accounts = identities.stream().filter(i -> i.platform().equals("gcp") && "service_account".equals(i.ref().kind())).toList();
        // four owned application accounts of one project: the roles below are played by ordinary services, as they are;
        // none whose catalog entry states its sources, since the pipeline and the deployer work from GitHub's runners,
        // which an entry written for the service's own cluster would contradict
        List<Identity> services = accounts.stream().filter(i -> i.type() == EstateGenerator.Archetype.SERVICE && i.owner() != null
                && !i.expectedSourcesStated()).toList();
        List<Identity> cast = services.isEmpty() ? List.of()
                : services.stream().filter(i -> i.tenant().equals(services.get(0).tenant())).limit(4).toList();
        boolean enough = cast.size() == 4;
        stolen = enough ? cast.get(0) : null;
        deployer = enough ? cast.get(1) : null;
        pipeline = enough ? cast.get(2) : null;
        rotated = enough ? cast.get(3) : null;
    }

    /** The project bindings the estate begins with: each account's application role; the deployer's and the pipeline's IAM roles. */
    List<Binding> bindings() {
        List<Binding> bindings = new ArrayList<>();
        for (Identity a : accounts) {
            bindings.add(new Binding(a.tenant(), APP_ROLES[a.index() % APP_ROLES.length], member(a)));
        }
        if (deployer != null) {
            bindings.add(new Binding(deployer.tenant(), PROJECT_IAM_ADMIN, member(deployer)));
            bindings.add(new Binding(deployer.tenant(), "roles/iam.serviceAccountUser", member(deployer)));
            bindings.add(new Binding(pipeline.tenant(), TOKEN_CREATOR, member(pipeline)));
            // granted once for a batch job that signs URLs as another account, at project level: every account is impersonable
            bindings.add(new Binding(stolen.tenant(), TOKEN_CREATOR, member(stolen)));
        }
        return bindings;
    }

    private static String member(Identity a) {
        return "serviceAccount:" + a.ref().id();
    }

    // ---------------------------------------------------------------- benign

    /** The user-managed key {@code id} signs with at {@code t}: the new one from the hour after its rotation. */
    String keyAt(Identity id, Instant t) {
        if (id != rotated) {
            return id.credentialId();
        }
        return t.isBefore(rotationStart().plus(Duration.ofHours(1))) ? id.credentialId() : newKey(id);
    }

    private Instant rotationStart() {
        return settings.start().plus(Duration.ofDays(1)).plus(Duration.ofHours(15)).plusSeconds(420);
    }

    private String newKey(Identity id) {
        return String.format("%016x", mix(settings.seed() ^ 0x6C9_0001L, id.index())) + "c3d4";
    }

    /**
     * The pipeline's and the deployer's benign work of {@code id} in {@code hour}, appended to {@code out}; nothing for other
     * accounts. {@code quiet} tells whether the identity's own traffic pauses at a time (an attack on it).
     */
    void benignHour(Identity id, int hour, Instant from, List<IdentityEvent> out, BiPredicate<Identity, Instant> quiet) {
        if (id != pipeline) {
            return;
        }
        SplittableRandom r = new SplittableRandom(mix(settings.seed() ^ 0x6C9_0002L, hour));
        if (hour % 6 == id.index() % 6) {
            Instant t = from.plusSeconds(90L + 13L * (id.index() % 40));
            if (!quiet.test(pipeline, t) && !quiet.test(deployer, t)) {
                deploy(hour, t, r, out);
            }
        }
        rotation(hour, from, r, out);
    }

    /** One pipeline run: a token for the deployer, then the deployer's calls; once a day Terraform changes a binding. */
    private void deploy(int hour, Instant t, SplittableRandom r, List<IdentityEvent> out) {
        String runner = AwsEstate.runnerAddress(r);
        Source source = new Source(runner, null, null, null, AUTH_ACTION_AGENT, false);
        out.add(mint(pipeline, deployer, "ev-gcp-ci-" + hour, t, source, keyAt(pipeline, t)).build());
        boolean terraform = hour / 24 % 2 == 0 && hour % 24 / 6 == 2;
        List<String[]> steps = new ArrayList<>();
        steps.add(new String[]{"storage.googleapis.com", "storage.objects.create", "projects/_/buckets/" + deployer.tenant() + "-artifacts/objects/build-" + hour + ".tar.gz"});
        if (terraform) {
            steps.add(new String[]{PROJECTS_SERVICE, "GetIamPolicy", "projects/" + deployer.tenant()});
            steps.add(new String[]{PROJECTS_SERVICE, "SetIamPolicy", "projects/" + deployer.tenant()});
        }
        Identity app = accounts.get(hour / 24 % accounts.size());
        for (int k = 0; k < steps.size(); k++) {
            String[] s = steps.get(k);
            Instant at = t.plusSeconds(15L * (k + 1));
            String agent = terraform ? TERRAFORM : "gcloud-node/4.0.0 google-api-nodejs-client/9.15.1";
            boolean grant = s[1].equals("SetIamPolicy");
            String role = "roles/storage.objectViewer";
            IdentityEvent.Builder b = delegated(deployer, List.of(pipeline), "ev-gcp-ci-" + hour + "-" + k, at, s[0], s[1], s[2],
                    new Source(runner, null, null, null, agent, false), grant ? Map.of("binding_deltas", "ADD " + role + " " + member(app)) : Map.of());
            if (grant) {
                b.category(EventCategory.PRIVILEGE_CHANGE).target(app.ref().id())
                        .privilege(new PrivilegeChange(List.of(role), true));
            }
            out.add(b.build());
        }
    }

    /** The pipeline rotates the application's key: create, (the application switches), disable the old, delete it. */
    private void rotation(int hour, Instant from, SplittableRandom r, List<IdentityEvent> out) {
        Instant start = rotationStart();
        int first = (int) Duration.between(settings.start(), start).toHours();
        int step = hour - first;
        if (step != 0 && step != 24 && step != 48) {
            return;
        }
        Instant t = step == 0 ? start : from.plusSeconds(420);
        String old = rotated.credentialId();
        String method = switch (step) {
            case 0 -> "google.iam.admin.v1.CreateServiceAccountKey";
            case 24 -> "google.iam.admin.v1.DisableServiceAccountKey";
            default -> "google.iam.admin.v1.DeleteServiceAccountKey";
        };
        String key = step == 0 ? newKey(rotated) : old;
        String resource = "projects/" + rotated.tenant() + "/serviceAccounts/" + rotated.ref().id() + "/keys/" + key;
        Source runner = new Source(AwsEstate.runnerAddress(r), null, null, null, String.format(GCLOUD, "gcloud.iam.service-accounts.keys."
                + (step == 0 ? "create" : step == 24 ? "disable" : "delete"), AwsEstate.tag(resource + step)), false);
        String id = "ev-gcp-rot-" + rotated.index() + "-" + step;
        out.add(IdentityEvent.builder(id, t, "gcp", pipeline.ref()).tenant(pipeline.tenant())
                .credential(new CredentialRef(keyAt(pipeline, t), pipeline.credentialKind()))
                .category(EventCategory.CREDENTIAL_CHANGE).action(method).source(runner).target(key)
                .attributes(Map.of("service_name", IAM_SERVICE, "resource_name", resource, "target_service_account", rotated.ref().id()))
                .rawRef("generated:" + id).build());
    }

    // ---------------------------------------------------------------- attacks

    /**
     * The attacks, at {@code at} and after: the stolen key's recon and data access (access_key_theft), then the
     * impersonation chain to roles/owner (impersonation_chain). Empty when the estate has fewer than four owned application
     * accounts in one project.
     */
    List<Attack> attacks(Instant at) {
        if (stolen == null) {
            return List.of();
        }
        SplittableRandom r = new SplittableRandom(mix(settings.seed() ^ 0x6C9_0003L, at.getEpochSecond()));
        int host = 1 + r.nextInt(200);
        String invocation = Long.toHexString(r.nextLong());
        List<Attack> attacks = new ArrayList<>();
        String project = stolen.tenant();
        String key = keyAt(stolen, at);
        // the key, found in a repository or a laptop's ~/.config/gcloud, activated with gcloud from the attacker's host
        String[][] recon = {
                {IAM_SERVICE, "google.iam.admin.v1.ListServiceAccounts", "projects/" + project, "gcloud.iam.service-accounts.list"},
                {PROJECTS_SERVICE, "GetIamPolicy", "projects/" + project, "gcloud.projects.get-iam-policy"},
                {"secretmanager.googleapis.com", "google.cloud.secretmanager.v1.SecretManagerService.ListSecrets", "projects/" + project,
                        "gcloud.secrets.list"},
                {"secretmanager.googleapis.com", "google.cloud.secretmanager.v1.SecretManagerService.AccessSecretVersion",
                        "projects/" + project + "/secrets/" + stolen.ref().name() + "-db/versions/latest", "gcloud.secrets.versions.access"}};
        List<IdentityEvent> theft = new ArrayList<>();
        for (int k = 0; k < recon.length; k++) {
            Instant t = at.plusSeconds(40L * k);
            String id = "atk-gcp-kt" + k + "-" + stolen.index() + "-" + t.getEpochSecond();
            theft.add(IdentityEvent.builder(id, t, "gcp", stolen.ref()).tenant(project)
                    .credential(new CredentialRef(key, stolen.credentialKind()))
                    .category(EventCategory.API_CALL).action(recon[k][1])
                    .source(attacker(host, String.format(GCLOUD, recon[k][3], invocation)))
                    .attributes(Map.of("service_name", recon[k][0], "resource_name", recon[k][2]))
                    .rawRef("generated:" + id).build());
        }
        attacks.add(new Attack("access_key_theft", stolen, theft, at.minus(Duration.ofMinutes(20)), at.plus(Duration.ofMinutes(20))));

        // 35 minutes later: a token for the deployer (the project-level Token Creator allows it), owner for the deployer, its use
        Instant t = at.plus(Duration.ofMinutes(35));
        String agent = String.format(GCLOUD, "gcloud.projects.add-iam-policy-binding", invocation);
        List<IdentityEvent> chain = new ArrayList<>();
        chain.add(mint(stolen, deployer, "atk-gcp-ic-mint-" + stolen.index() + "-" + t.getEpochSecond(), t, attacker(host, agent), key).build());
        chain.add(delegated(deployer, List.of(stolen), "atk-gcp-ic-read-" + deployer.index() + "-" + t.getEpochSecond(), t.plusSeconds(20),
                PROJECTS_SERVICE, "GetIamPolicy", "projects/" + project, attacker(host, agent), Map.of()).build());
        chain.add(delegated(deployer, List.of(stolen), "atk-gcp-ic-grant-" + deployer.index() + "-" + t.getEpochSecond(), t.plusSeconds(25),
                PROJECTS_SERVICE, "SetIamPolicy", "projects/" + project, attacker(host, agent), Map.of("binding_deltas", "ADD roles/owner " + member(deployer)))
                .category(EventCategory.PRIVILEGE_CHANGE).target(deployer.ref().id())
                .privilege(new PrivilegeChange(List.of("roles/owner"), true)).build());
        String use = String.format(GCLOUD, "gcloud.compute.instances.list", invocation);
        chain.add(delegated(deployer, List.of(stolen), "atk-gcp-ic-use-" + deployer.index() + "-" + t.getEpochSecond(), t.plusSeconds(95),
                "compute.googleapis.com", "v1.compute.instances.aggregatedList", "projects/" + project, attacker(host, use), Map.of()).build());
        chain.add(delegated(deployer, List.of(stolen), "atk-gcp-ic-key-" + deployer.index() + "-" + t.getEpochSecond(), t.plusSeconds(130),
                IAM_SERVICE, "google.iam.admin.v1.CreateServiceAccountKey", "projects/" + project + "/serviceAccounts/" + deployer.ref().id(),
                attacker(host, String.format(GCLOUD, "gcloud.iam.service-accounts.keys.create", invocation)),
                Map.of("target_service_account", deployer.ref().id()))
                .category(EventCategory.CREDENTIAL_CHANGE).target(deployer.ref().id()).build());
        attacks.add(new Attack("impersonation_chain", deployer, chain, t.minus(Duration.ofMinutes(10)), t.plus(Duration.ofMinutes(10))));
        return attacks;
    }

    private static Source attacker(int host, String agent) {
        Site s = ATTACKER_AMSTERDAM;
        return new Source(s.ip(host), s.asn(), s.asOrg(), s.geo(), agent, false);
    }

    /** {@code caller} asks for an access token of {@code target} (https://cloud.google.com/iam/docs/create-short-lived-credentials-direct). */
    private IdentityEvent.Builder mint(Identity caller, Identity target, String id, Instant t, Source source, String key) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("service_name", CREDENTIALS_SERVICE);
        attributes.put("resource_name", "projects/-/serviceAccounts/" + target.ref().id());
        attributes.put("impersonated", target.ref().id());
        return IdentityEvent.builder(id, t, "gcp", caller.ref()).tenant(caller.tenant())
                .credential(new CredentialRef(key, caller.credentialKind()))
                .category(EventCategory.AUTHENTICATION).action("GenerateAccessToken").source(source)
                .target(target.ref().id()).attributes(attributes).rawRef("generated:" + id);
    }

    /** A call of {@code account} with a token minted by impersonation: no key, the delegating principals named. */
    private static IdentityEvent.Builder delegated(Identity account, List<Identity> by, String id, Instant t, String service, String method,
                                                   String resource, Source source, Map<String, String> extra) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("service_name", service);
        attributes.put("resource_name", resource);
        attributes.put("delegated_by", by.get(0).ref().id());
        attributes.put("delegation_chain", String.join(" -> ", by.stream().map(i -> i.ref().id()).toList()));
        attributes.putAll(extra);
        return IdentityEvent.builder(id, t, "gcp", account.ref()).tenant(account.tenant())
                .category(EventCategory.API_CALL).action(method).source(source).attributes(attributes).rawRef("generated:" + id);
    }

    @Override
    public String toString() {
        return "GcpEstate[" + accounts.size() + " accounts" + (stolen == null ? ", no attacks" : "") + "]";
    }
}
