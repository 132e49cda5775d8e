package io.itdr.connector.example;

import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import io.itdr.spi.event.IdentityRef;
import io.itdr.spi.inventory.Credential;
import io.itdr.spi.inventory.CredentialStatus;
import io.itdr.spi.inventory.InventoryIdentity;
import io.itdr.spi.inventory.InventoryPage;
import io.itdr.spi.inventory.InventorySource;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Lists the platform's service apps with their keys (API.md §5). Read-only; thread-safe. */
final class ExampleInventory implements InventorySource {
    private final ExampleApi api;

    ExampleInventory(ExampleApi api) {
        this.api = api;
    }

    @Override
    public InventoryPage list(String pageToken, int pageSize) {
        String path = "/api/apps?limit=" + Math.max(1, Math.min(pageSize, ExampleApi.MAX_PAGE))
                + (pageToken == null ? "" : "&pageToken=" + ExampleApi.encode(pageToken));
        Json.Obj page = api.get(path);
        try {
            List<InventoryIdentity> identities = new ArrayList<>();
            for (Json.Obj app : page.objects("apps")) {
                identities.add(identity(app));
            }
            return new InventoryPage(identities, page.string("nextPageToken").orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<InventoryIdentity> get(String tenant, IdentityRef identity) {
        String path = appPath(identity.id());
        Optional<Json.Obj> app = api.find(path);
        try {
            return app.map(ExampleInventory::identity);
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, "GET " + path + ": " + e.getMessage(), e);
        }
    }

    static String appPath(String appId) {
        return "/api/apps/" + ExampleApi.encode(appId);
    }

    /** API.md §5, the App object. */
    static InventoryIdentity identity(Json.Obj app) {
        List<Credential> keys = new ArrayList<>();
        for (Json.Obj key : app.objects("keys")) {
            keys.add(new Credential(key.requiredString("id"), "api_key", instant(key, "created"), instant(key, "lastUsed"),
                    null, status(key.requiredString("status"))));
        }
        return new InventoryIdentity(ExampleEventNormalizer.PLATFORM, null,
                new IdentityRef(app.requiredString("id"), "service_app", app.string("name").orElse(null)),
                "ACTIVE".equals(app.requiredString("status")), instant(app, "created"), app.string("owner").orElse(null),
                Map.of(), keys, app.strings("consumers"), app.strings("scopes"), null, List.of());
    }

    private static CredentialStatus status(String text) {
        return switch (text) {
            case "ACTIVE" -> CredentialStatus.ACTIVE;
            case "INACTIVE" -> CredentialStatus.INACTIVE;
            default -> CredentialStatus.UNKNOWN;
        };
    }

    private static Instant instant(Json.Obj obj, String field) {
        try {
            return obj.string(field).map(Instant::parse).orElse(null);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": not an ISO-8601 instant");
        }
    }

    @Override
    public String toString() {
        return "ExampleInventory[" + api + "]";
    }
}
