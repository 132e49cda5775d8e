package io.itdr.connector.github.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.connector.support.RestEndpoint;
import io.itdr.connector.github.GitHubApi;
import io.itdr.connector.github.GitHubLibrary;
import io.itdr.connector.github.GitHubSettings;
import io.itdr.connector.github.GitHubSignIn;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.inventory.InventorySource;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kohsuke.github.GHDeployKey;
import org.kohsuke.github.GHRepository;
import org.kohsuke.github.PagedIterator;

/**
 * The organization's non-human identities, in three stages, each paged by GitHub 100 at a time:
 * <ol>
 *   <li>GitHub Apps installed on it ({@code GET /orgs/{org}/installations},
 *       https://docs.github.com/en/rest/orgs/orgs#list-app-installations-for-an-organization): identity
 *       {@code <app_slug>[bot]} (the login its installation token acts as in the audit log), kind {@code github_app},
 *       enabled unless suspended, its permissions as privilege scopes ({@code contents:write}); privileged when it may
 *       write administration, members, organization administration or secrets;</li>
 *   <li>deploy keys of every repository, read with github-api ({@code GHOrganization#listRepositories}, then per
 *       repository {@code GHRepository#listTopics} and {@code #getDeployKeys}: {@code GET /orgs/{org}},
 *       {@code GET /orgs/{org}/repos}, {@code GET /repos/{owner}/{repo}/topics}, {@code GET /repos/{owner}/{repo}/keys},
 *       https://docs.github.com/en/rest/deploy-keys/deploy-keys#list-deploy-keys): identity
 *       {@code <org>/<repo>:deploy_key:<id>}, kind {@code deploy_key}, the key as its one credential (created, last
 *       used), scope {@code contents:read} or {@code contents:write}; the repository's topics and custom properties
 *       ({@code GET /orgs/{org}/properties/values}) as tags, owner and criticality from the custom properties
 *       {@code owner} and {@code criticality}, else from the topics {@code owner-*} and {@code criticality-*};</li>
 *   <li>fine-grained personal access tokens granted access to the org
 *       ({@code GET /orgs/{org}/personal-access-tokens}, GitHub Apps only,
 *       https://docs.github.com/en/rest/orgs/personal-access-tokens#list-fine-grained-personal-access-tokens-with-access-to-organization-resources):
 *       one identity per token owner (their login, kind {@code fine_grained_pat}), each token a credential named by
 *       its {@code token_id} (as the audit log names it) with expiry and last use. Skipped when signed in with a
 *       token, which that endpoint refuses;</li>
 *   <li>the org's GitHub Actions ({@code <org>:actions}): default workflow token permissions, OIDC subject claims and
 *       the names of its Actions secrets (see {@link #actions()}).</li>
 * </ol>
 * Stages 0, 2 and 3 call endpoints github-api has no method for, over the JDK client ({@link GitHubApi}).
 * Page tokens ({@code v1:<stage>:<github page>:<index>}) say where the next page starts; listing keeps no state, so
 * resuming the repositories at page N walks github-api's iterator over the N-1 pages before it (one list call
 * each; the per-repository calls dominate).
 * Read-only. Thread-safe.
 */
public final class GitHubInventory implements InventorySource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PER_PAGE = 100;
    private static final Pattern TOKEN = Pattern.compile("v1:([0-3]):(\\d{1,6}):(\\d{1,4})");
    private static final int LAST_STAGE = 3;
    private static final Pattern DEPLOY_KEY = Pattern.compile("([^/]+)/([^/:]+):deploy_key:(\\d+)");
    private static final List<String> ADMIN_PERMISSIONS = List.of("administration", "members", "organization_administration",
            "secrets", "organization_secrets", "organization_personal_access_tokens", "actions");

    private final String connectorId;
    private final GitHubApi api;
    private final GitHubSignIn signIn;
    private final GitHubSettings settings;
    private final GitHubLibrary library;

    public GitHubInventory(String connectorId, GitHubApi api, GitHubSignIn signIn, GitHubLibrary library, GitHubSettings settings,
                           Clock clock) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        this.api = Objects.requireNonNull(api, "api");
        this.library = Objects.requireNonNull(library, "library");
        this.signIn = Objects.requireNonNull(signIn, "signIn");
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
    }

    /** One GitHub page of one stage, as identities, and whether GitHub has a page after it. */
    private record Chunk(List<InventoryIdentity> identities, boolean more) {
    }

    @Override
    public InventoryPage list(String pageToken, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1: " + pageSize);
        }
        int stage = 0;
        int page = 1;
        int index = 0;
        if (pageToken != null) {
            Matcher m = TOKEN.matcher(pageToken);
            if (!m.matches()) {
                throw new ConnectorException(ErrorCode.CURSOR_INVALID, "not a GitHub inventory page token: '"
                        + (pageToken.length() > 40 ? pageToken.substring(0, 40) + "…" : pageToken) + "'");
            }
            stage = Integer.parseInt(m.group(1));
            page = Integer.parseInt(m.group(2));
            index = Integer.parseInt(m.group(3));
        }
        List<InventoryIdentity> out = new ArrayList<>();
        while (stage <= LAST_STAGE) {
            Chunk chunk = chunk(stage, page);
            while (index < chunk.identities().size() && out.size() < pageSize) {
                out.add(chunk.identities().get(index++));
            }
            boolean chunkDone = index >= chunk.identities().size();
            if (chunkDone) {
                index = 0;
                if (chunk.more()) {
                    page++;
                } else {
                    stage++;
                    page = 1;
                }
            }
            if (out.size() >= pageSize) {
                break;
            }
        }
        return new InventoryPage(out, stage > LAST_STAGE ? null : "v1:" + stage + ":" + page + ":" + index);
    }

    private Chunk chunk(int stage, int page) {
        return switch (stage) {
            case 0 -> installations(page);
            case 1 -> deployKeys(page);
            case 2 -> settings.appMode() ? patOwners(page, null) : new Chunk(List.of(), false);
            default -> new Chunk(List.of(actions()), false);
        };
    }

    @Override
    public Optional<InventoryIdentity> get(String tenant, IdentityRef identity) {
        Objects.requireNonNull(identity, "identity");
        String id = identity.id();
        Matcher key = DEPLOY_KEY.matcher(id);
        if (key.matches()) {
            if (!key.group(1).equalsIgnoreCase(settings.org())) {
                return Optional.empty();
            }
            try {
                return library.call("GET /repos/{owner}/{repo}/keys", gh -> {
                    GHRepository repo = gh.getRepository(settings.org() + "/" + key.group(2));
                    for (GHDeployKey k : repo.getDeployKeys()) {
                        if (Long.toString(k.getId()).equals(key.group(3))) {
                            return Optional.of(deployKey(key.group(2), k, repo.listTopics(),
                                    customProperties().getOrDefault(repo.getName(), Map.of())));
                        }
                    }
                    return Optional.<InventoryIdentity>empty();
                });
            } catch (ConnectorException e) {
                if (e.code() == ErrorCode.NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
        }
        if (id.equalsIgnoreCase(settings.org() + ":actions")) {
            return Optional.of(actions());
        }
        if (id.endsWith("[bot]")) {
            for (int page = 1; ; page++) {
                Chunk chunk = installations(page);
                for (InventoryIdentity i : chunk.identities()) {
                    if (i.identity().id().equalsIgnoreCase(id)) {
                        return Optional.of(i);
                    }
                }
                if (!chunk.more()) {
                    return Optional.empty();
                }
            }
        }
        if (settings.appMode() && id.matches("[A-Za-z0-9-]{1,39}")) {
            List<InventoryIdentity> owners = patOwners(1, id).identities();
            return owners.stream().filter(o -> o.identity().id().equalsIgnoreCase(id)).findFirst();
        }
        return Optional.empty();
    }

    private Chunk installations(int page) {
        Got got = get("/orgs/" + enc(settings.org()) + "/installations?per_page=" + PER_PAGE + "&page=" + page);
        List<InventoryIdentity> out = new ArrayList<>();
        for (JsonNode i : array(got.body().path("installations"), "installations")) {
            String slug = text(i, "app_slug");
            if (slug == null) {
                continue;
            }
            List<String> scopes = new ArrayList<>();
            boolean privileged = false;
            for (Map.Entry<String, JsonNode> p : entries(i.path("permissions"))) {
                scopes.add(p.getKey() + ":" + p.getValue().asText());
                privileged |= p.getValue().asText().equals("write") && ADMIN_PERMISSIONS.contains(p.getKey())
                        || p.getValue().asText().equals("admin");
            }
            Map<String, String> tags = new TreeMap<>();
            put(tags, "installation_id", i.path("id").asText(null));
            put(tags, "app_id", i.path("app_id").asText(null));
            put(tags, "repository_selection", text(i, "repository_selection"));
            out.add(new InventoryIdentity(connectorId, settings.org(), new IdentityRef(slug + "[bot]", "github_app", slug),
                    i.path("suspended_at").isNull() || i.path("suspended_at").isMissingNode(), time(text(i, "created_at")), null, tags,
                    List.of(), List.of(), scopes, privileged, List.of()));
        }
        return new Chunk(out, got.more());
    }

    private Chunk deployKeys(int page) {
        return library.call("GET /orgs/{org}/repos", gh -> {
            PagedIterator<GHRepository> repos = gh.getOrganization(settings.org()).listRepositories(PER_PAGE).iterator();
            List<GHRepository> onPage = List.of();
            for (int p = 1; p <= page && repos.hasNext(); p++) {
                onPage = repos.nextPage();
            }
            List<InventoryIdentity> out = new ArrayList<>();
            Map<String, Map<String, String>> properties = onPage.isEmpty() ? Map.of() : customProperties();
            for (GHRepository repo : onPage) {
                List<String> topics = repo.listTopics();
                for (GHDeployKey k : repo.getDeployKeys()) {
                    out.add(deployKey(repo.getName(), k, topics, properties.getOrDefault(repo.getName(), Map.of())));
                }
            }
            return new Chunk(out, repos.hasNext());
        });
    }

    /**
     * The org's custom property values by repository name ({@code GET /orgs/{org}/properties/values}, every page;
     * https://docs.github.com/en/rest/orgs/custom-properties#list-custom-property-values-for-organization-repositories;
     * github-api has no method for it). Empty where GitHub has no custom properties (404, e.g. an older Enterprise
     * Server). A list value is joined with commas.
     */
    private Map<String, Map<String, String>> customProperties() {
        Map<String, Map<String, String>> byRepo = new java.util.HashMap<>();
        try {
            for (int page = 1; ; page++) {
                Got got = get("/orgs/" + enc(settings.org()) + "/properties/values?per_page=" + PER_PAGE + "&page=" + page);
                for (JsonNode repo : array(got.body(), "repositories with custom properties")) {
                    String name = text(repo, "repository_name");
                    if (name == null) {
                        continue;
                    }
                    Map<String, String> values = new TreeMap<>();
                    for (JsonNode p : repo.path("properties")) {
                        String property = text(p, "property_name");
                        JsonNode value = p.get("value");
                        if (property == null || value == null || value.isNull()) {
                            continue;
                        }
                        List<String> parts = new ArrayList<>();
                        if (value.isArray()) {
                            value.forEach(v -> parts.add(v.asText()));
                        } else {
                            parts.add(value.asText());
                        }
                        values.put(property, String.join(",", parts));
                    }
                    byRepo.put(name, values);
                }
                if (!got.more()) {
                    return byRepo;
                }
            }
        } catch (ConnectorException e) {
            if (e.code() == ErrorCode.NOT_FOUND) {
                return Map.of();
            }
            throw e;
        }
    }

    private InventoryIdentity deployKey(String repo, GHDeployKey k, List<String> topics, Map<String, String> properties) {
        String id = Long.toString(k.getId());
        boolean readOnly = k.isRead_only();
        Map<String, String> tags = new TreeMap<>();
        put(tags, "repository", settings.org() + "/" + repo);
        put(tags, "title", k.getTitle());
        put(tags, "added_by", k.getAdded_by());
        put(tags, "read_only", Boolean.toString(readOnly));
        String owner = null;
        for (String topic : topics) {
            if (topic.startsWith("owner-")) {
                owner = topic.substring("owner-".length());
            } else if (topic.startsWith("criticality-")) {
                tags.put("criticality", topic.substring("criticality-".length()));
            }
        }
        if (!topics.isEmpty()) {
            tags.put("topics", String.join(",", topics));
        }
        // custom properties outrank topics: an org sets them with a schema, a repository admin sets topics
        properties.forEach((name, value) -> tags.put("property." + name, value));
        if (properties.containsKey("owner")) {
            owner = properties.get("owner");
        }
        if (properties.containsKey("criticality")) {
            tags.put("criticality", properties.get("criticality"));
        }
        Instant created = k.getCreatedAt() == null ? null : k.getCreatedAt().toInstant();
        Instant lastUsed = k.getLastUsedAt() == null ? null : k.getLastUsedAt().toInstant();
        // github-api's model has no 'enabled' (GitHub lists only keys that are there; a disabled key would read as absent)
        Credential credential = new Credential(id, "deploy_key", created, lastUsed, null, CredentialStatus.ACTIVE);
        return new InventoryIdentity(connectorId, settings.org(),
                new IdentityRef(settings.org() + "/" + repo + ":deploy_key:" + id, "deploy_key", k.getTitle()), true,
                created, owner, tags, List.of(credential), List.of(settings.org() + "/" + repo),
                List.of(readOnly ? "contents:read" : "contents:write"), !readOnly, List.of());
    }

    private Chunk patOwners(int page, String owner) {
        Got got = get("/orgs/" + enc(settings.org()) + "/personal-access-tokens?per_page=" + PER_PAGE + "&page=" + page
                + (owner == null ? "" : "&owner%5B%5D=" + enc(owner)));
        Map<String, List<JsonNode>> byOwner = new LinkedHashMap<>();
        for (JsonNode g : array(got.body(), "personal access tokens")) {
            String login = text(g.path("owner"), "login");
            if (login != null) {
                byOwner.computeIfAbsent(login, l -> new ArrayList<>()).add(g);
            }
        }
        List<InventoryIdentity> out = new ArrayList<>();
        byOwner.forEach((login, grants) -> {
            List<Credential> credentials = new ArrayList<>();
            List<String> scopes = new ArrayList<>();
            boolean privileged = false;
            for (JsonNode g : grants) {
                boolean expired = g.path("token_expired").asBoolean(false);
                credentials.add(new Credential(g.path("token_id").asText(), "fine_grained_pat", time(text(g, "access_granted_at")),
                        time(text(g, "token_last_used_at")), time(text(g, "token_expires_at")),
                        expired ? CredentialStatus.EXPIRED : CredentialStatus.ACTIVE));
                for (String level : List.of("organization", "repository")) {
                    for (Map.Entry<String, JsonNode> p : entries(g.path("permissions").path(level))) {
                        String scope = p.getKey() + ":" + p.getValue().asText();
                        if (!scopes.contains(scope)) {
                            scopes.add(scope);
                        }
                        privileged |= p.getValue().asText().equals("write") && ADMIN_PERMISSIONS.contains(p.getKey());
                    }
                }
            }
            Map<String, String> tags = new TreeMap<>();
            tags.put("grants", Integer.toString(grants.size()));
            out.add(new InventoryIdentity(connectorId, settings.org(), new IdentityRef(login, "fine_grained_pat", login), true, null,
                    login, tags, credentials, List.of(), scopes, privileged, List.of()));
        });
        // grants of one owner may straddle two GitHub pages: the owner is listed once per page then (documented limit)
        return new Chunk(out, got.more());
    }

    /**
     * The org's GitHub Actions as one identity ({@code <org>:actions}, kind {@code workflow}): what every workflow's
     * {@code GITHUB_TOKEN} may do by default ({@code GET /orgs/{org}/actions/permissions/workflow},
     * https://docs.github.com/en/rest/actions/permissions#get-default-workflow-permissions-for-an-organization), the claims
     * its OIDC tokens' subject is made of, which cloud trust policies match ({@code GET /orgs/{org}/actions/oidc/customization/sub},
     * https://docs.github.com/en/rest/actions/oidc#get-the-customization-template-for-an-oidc-subject-claim-for-an-organization),
     * and the names of the org's Actions secrets as its credentials ({@code GET /orgs/{org}/actions/secrets},
     * https://docs.github.com/en/rest/actions/secrets#list-organization-secrets; never their values, which the API never gives).
     */
    private InventoryIdentity actions() {
        String org = enc(settings.org());
        JsonNode permissions = get("/orgs/" + org + "/actions/permissions/workflow").body();
        JsonNode sub = get("/orgs/" + org + "/actions/oidc/customization/sub").body();
        List<Credential> secrets = new ArrayList<>();
        for (int page = 1; ; page++) {
            Got got = get("/orgs/" + org + "/actions/secrets?per_page=" + PER_PAGE + "&page=" + page);
            for (JsonNode secret : array(got.body().path("secrets"), "secrets")) {
                String name = text(secret, "name");
                if (name != null) {
                    secrets.add(new Credential(name, "actions_secret", time(text(secret, "updated_at")), null, null, CredentialStatus.ACTIVE));
                }
            }
            if (!got.more()) {
                break;
            }
        }
        List<String> claims = new ArrayList<>();
        sub.path("include_claim_keys").forEach(c -> claims.add(c.asText()));
        String defaultPermission = text(permissions, "default_workflow_permissions");
        Map<String, String> tags = new TreeMap<>();
        tags.put("oidc_subject_claims", claims.isEmpty() ? "(GitHub's default)" : String.join(",", claims));
        put(tags, "default_workflow_permissions", defaultPermission);
        tags.put("can_approve_pull_request_reviews", Boolean.toString(permissions.path("can_approve_pull_request_reviews").asBoolean(false)));
        return new InventoryIdentity(connectorId, settings.org(), new IdentityRef(settings.org() + ":actions", "workflow",
                settings.org() + " GitHub Actions"), true, null, null, tags, secrets, List.of(),
                List.of("workflow_token:" + (defaultPermission == null ? "unknown" : defaultPermission)), "write".equals(defaultPermission),
                List.of());
    }

    /** A GET's JSON body and whether its link header names a next page. */
    private record Got(JsonNode body, boolean more) {
    }

    private Got get(String pathAndQuery) {
        RestEndpoint.Answer answer = api.send("GET", pathAndQuery, signIn::authorization, null);
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        JsonNode body;
        try (var in = answer.body()) {
            body = JSON.readTree(in);
        } catch (IOException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET " + path + ": the answer is not JSON");
        }
        if (body == null) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET " + path + ": empty answer");
        }
        boolean more = answer.headers().allValues("link").stream().anyMatch(l -> l.matches("(?s).*rel=\"?next\"?.*"));
        return new Got(body, more);
    }

    private static Iterable<JsonNode> array(JsonNode node, String what) {
        if (!node.isArray()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "expected an array of " + what + ", found " + node.getNodeType());
        }
        return node;
    }

    private static List<Map.Entry<String, JsonNode>> entries(JsonNode object) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        if (object != null && object.isObject()) {
            object.fields().forEachRemaining(out::add);
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || !v.isTextual() || v.textValue().isBlank() ? null : v.textValue();
    }

    private static Instant time(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void put(Map<String, String> tags, String key, String value) {
        if (value != null) {
            tags.put(key, value);
        }
    }

    private static String enc(String value) {
        return GitHubApi.encode(value);
    }

    @Override
    public String toString() {
        return "GitHubInventory[" + settings.org() + "]";
    }
}
