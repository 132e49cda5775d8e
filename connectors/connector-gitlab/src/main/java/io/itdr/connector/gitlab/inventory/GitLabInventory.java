package io.itdr.connector.gitlab.inventory;

import com.fasterxml.jackson.databind.JsonNode;
import io.itdr.connector.gitlab.GitLabApi;
import io.itdr.connector.gitlab.GitLabLibrary;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.inventory.InventorySource;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A group's or project's non-human identities, in stages, each paged by GitLab ({@code X-Next-Page}):
 * <ol>
 *   <li>access tokens ({@code GET /groups|projects/:id/access_tokens}, https://docs.gitlab.com/api/group_access_tokens/,
 *       https://docs.gitlab.com/api/project_access_tokens/): identity {@code <group|project>/<id>/access_token/<token id>}
 *       (as the revoke action names it), the token as its credential with creation, last use and expiry, its scopes as
 *       privileges; privileged with the Maintainer role or above (access level 40, 50) or the {@code api} scope;</li>
 *   <li>deploy tokens ({@code GET /groups|projects/:id/deploy_tokens}, https://docs.gitlab.com/api/deploy_tokens/):
 *       {@code <group|project>/<id>/deploy_token/<token id>}, privileged when it may write the registry or packages;</li>
 *   <li>service accounts of a group ({@code GET /groups/:id/service_accounts}, https://docs.gitlab.com/api/service_accounts/):
 *       the user id (as audit events name the author), kind {@code service_account};</li>
 *   <li>deploy keys of a project ({@code GET /projects/:id/deploy_keys}, https://docs.gitlab.com/api/deploy_keys/#list-deploy-keys-for-project):
 *       {@code project/<id>/deploy_key/<key id>}, privileged when {@code can_push}.</li>
 * </ol>
 * Read through gitlab4j's client as JSON ({@link GitLabLibrary#page}: its models drop scopes they do not know;
 * it has no method for group service accounts). With scope {@code instance} nothing is listed yet. Page tokens {@code v1:<stage>:<page>:<index>}. Read-only; thread-safe.
 */
public final class GitLabInventory implements InventorySource {
    private static final Pattern TOKEN = Pattern.compile("v1:([0-3]):(\\d{1,6}):(\\d{1,4})");
    private static final Pattern ACCESS_TOKEN = Pattern.compile("(group|project)/([^/]+)/(access_token|deploy_token)/(\\d{1,19})");

    private final String connectorId;
    private static final int LAST_STAGE = 3;
    private final GitLabLibrary library;
    private final String scope;
    private final String scopeId;
    private final String tenant;

    public GitLabInventory(String connectorId, GitLabLibrary library, String scope, String scopeId, String tenant) {
        this.connectorId = Objects.requireNonNull(connectorId, "connectorId");
        this.library = Objects.requireNonNull(library, "library");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.scopeId = scopeId;
        this.tenant = tenant;
    }

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
                throw new ConnectorException(ErrorCode.CURSOR_INVALID, "not a GitLab inventory page token");
            }
            stage = Integer.parseInt(m.group(1));
            page = Integer.parseInt(m.group(2));
            index = Integer.parseInt(m.group(3));
        }
        List<InventoryIdentity> out = new ArrayList<>();
        while (stage <= LAST_STAGE && out.size() < pageSize) {
            Chunk chunk = chunk(stage, page);
            while (index < chunk.identities().size() && out.size() < pageSize) {
                out.add(chunk.identities().get(index++));
            }
            if (index >= chunk.identities().size()) {
                index = 0;
                if (chunk.more()) {
                    page++;
                } else {
                    stage++;
                    page = 1;
                }
            }
        }
        return new InventoryPage(out, stage > LAST_STAGE ? null : "v1:" + stage + ":" + page + ":" + index);
    }

    @Override
    public Optional<InventoryIdentity> get(String tenant, IdentityRef identity) {
        Objects.requireNonNull(identity, "identity");
        for (int stage = 0; stage <= LAST_STAGE; stage++) {
            for (int page = 1; ; page++) {
                Chunk chunk = chunk(stage, page);
                for (InventoryIdentity i : chunk.identities()) {
                    if (i.identity().id().equals(identity.id())) {
                        return Optional.of(i);
                    }
                }
                if (!chunk.more()) {
                    break;
                }
            }
        }
        return Optional.empty();
    }

    private Chunk chunk(int stage, int page) {
        if (scope.equals("instance") || stage == 2 && !scope.equals("group") || stage == 3 && !scope.equals("project")) {
            return new Chunk(List.of(), false);
        }
        String kind = scope.equals("group") ? "groups" : "projects";
        String what = switch (stage) {
            case 0 -> "access_tokens";
            case 1 -> "deploy_tokens";
            case 2 -> "service_accounts";
            default -> "deploy_keys";
        };
        GitLabLibrary.Page got = library.page("GET /" + kind + "/:id/" + what, page, kind, GitLabApi.encode(scopeId), what);
        List<JsonNode> list = got.items();
        List<InventoryIdentity> out = new ArrayList<>();
        for (JsonNode n : list) {
            out.add(switch (stage) {
                case 0 -> accessToken(n);
                case 1 -> deployToken(n);
                case 2 -> serviceAccount(n);
                default -> deployKey(n);
            });
        }
        return new Chunk(out, got.more());
    }

    private String prefix() {
        return scope + "/" + scopeId;
    }

    private InventoryIdentity accessToken(JsonNode n) {
        String id = n.path("id").asText();
        List<String> scopes = strings(n.path("scopes"));
        int level = n.path("access_level").asInt(0);
        boolean revoked = n.path("revoked").asBoolean(false);
        boolean active = n.path("active").asBoolean(!revoked);
        Instant expires = time(n.path("expires_at").asText(null));
        Map<String, String> tags = new TreeMap<>();
        tags.put("access_level", Integer.toString(level));
        tags.put("bot_user_id", n.path("user_id").asText(""));
        String kind = scope + "_access_token";
        Credential credential = new Credential(id, kind, time(n.path("created_at").asText(null)), time(n.path("last_used_at").asText(null)),
                expires, revoked ? CredentialStatus.REVOKED : active ? CredentialStatus.ACTIVE : CredentialStatus.EXPIRED);
        return new InventoryIdentity(connectorId, tenant, new IdentityRef(prefix() + "/access_token/" + id, kind, n.path("name").asText(null)),
                !revoked && active, time(n.path("created_at").asText(null)), null, tags, List.of(credential), List.of(), scopes,
                level >= 40 || scopes.contains("api"), List.of());
    }

    private InventoryIdentity deployToken(JsonNode n) {
        String id = n.path("id").asText();
        List<String> scopes = strings(n.path("scopes"));
        boolean revoked = n.path("revoked").asBoolean(false);
        boolean expired = n.path("expired").asBoolean(false);
        Map<String, String> tags = new TreeMap<>();
        tags.put("username", n.path("username").asText(""));
        Credential credential = new Credential(id, "deploy_token", null, null, time(n.path("expires_at").asText(null)),
                revoked ? CredentialStatus.REVOKED : expired ? CredentialStatus.EXPIRED : CredentialStatus.ACTIVE);
        return new InventoryIdentity(connectorId, tenant, new IdentityRef(prefix() + "/deploy_token/" + id, "deploy_token",
                n.path("name").asText(null)), !revoked && !expired, null, null, tags, List.of(credential), List.of(), scopes,
                scopes.stream().anyMatch(s -> s.startsWith("write_")), List.of());
    }

    /** A project's deploy key; {@code can_push} makes it privileged (it may write the repository). */
    private InventoryIdentity deployKey(JsonNode n) {
        String id = n.path("id").asText();
        boolean canPush = n.path("can_push").asBoolean(false);
        Map<String, String> tags = new TreeMap<>();
        tags.put("title", n.path("title").asText(""));
        tags.put("fingerprint_sha256", n.path("fingerprint_sha256").asText(""));
        Instant created = time(n.path("created_at").asText(null));
        Instant expires = time(n.path("expires_at").asText(null));
        Credential credential = new Credential(id, "deploy_key", created, null, expires, CredentialStatus.ACTIVE);
        return new InventoryIdentity(connectorId, tenant, new IdentityRef(prefix() + "/deploy_key/" + id, "deploy_key",
                n.path("title").asText(null)), true, created, null, tags, List.of(credential), List.of(prefix()),
                List.of(canPush ? "write_repository" : "read_repository"), canPush, List.of());
    }

    private InventoryIdentity serviceAccount(JsonNode n) {
        Map<String, String> tags = new TreeMap<>();
        tags.put("username", n.path("username").asText(""));
        return new InventoryIdentity(connectorId, tenant, new IdentityRef(n.path("id").asText(), "service_account", n.path("username").asText(null)),
                null, null, null, tags, List.of(), List.of(), List.of(), null, List.of());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    /** An ISO date-time, or a date ({@code expires_at} is a date), at midnight UTC; null otherwise. */
    private static Instant time(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException again) {
                return null;
            }
        }
    }

    @Override
    public String toString() {
        return "GitLabInventory[" + scope + (scopeId == null ? "" : " " + scopeId) + "]";
    }
}
