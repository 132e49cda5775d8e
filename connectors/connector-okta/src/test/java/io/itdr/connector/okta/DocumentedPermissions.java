package io.itdr.connector.okta;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The requests of {@code permissions.json} (beside the module's README): method, path pattern and
 * the OAuth scope each needs. A test records what the connector really sent (a request listener on
 * the simulation, which outlives the kit's resets) and fails when a request matches no documented one.
 */
final class DocumentedPermissions {
    static final Path FILE = Path.of("permissions.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private DocumentedPermissions() {
    }

    static JsonNode file() {
        try {
            return JSON.readTree(FILE.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FILE.toAbsolutePath(), e);
        }
    }

    /** Records {@code METHOD /path} (no query) of every request {@code server} receives from now on. */
    static Set<String> record(WireMockServer server) {
        Set<String> into = new ConcurrentSkipListSet<>();
        server.addMockServiceRequestListener((request, response) -> {
            String url = request.getUrl();
            int query = url.indexOf('?');
            into.add(request.getMethod().getName() + " " + (query < 0 ? url : url.substring(0, query)));
        });
        return into;
    }

    /** The documented request {@code methodAndPath} matches, or null. */
    static JsonNode match(String methodAndPath) {
        String method = methodAndPath.substring(0, methodAndPath.indexOf(' '));
        String path = methodAndPath.substring(methodAndPath.indexOf(' ') + 1);
        for (JsonNode request : file().path("requests")) {
            if (request.get("method").asText().equals(method) && path.matches(request.get("path").asText())) {
                return request;
            }
        }
        return null;
    }

    static void assertAllowed(Collection<String> recorded) {
        assertThat(recorded).as("requests recorded").isNotEmpty();
        assertThat(recorded).as("requests the connector sent that " + FILE + " does not document (add them with their scope, or stop sending them)")
                .allSatisfy(request -> assertThat(match(request)).as(request).isNotNull());
    }
}
