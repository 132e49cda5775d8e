package io.itdr.connector.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.connector.support.JsonFields;
import io.itdr.spi.ConnectorException;
import io.itdr.spi.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Graph reads as JSON trees over {@link GraphHttp}: one object, or every item of a collection across
 * {@code @odata.nextLink} pages (https://learn.microsoft.com/en-us/graph/paging), a link never followed off
 * Graph's host. Thread-safe.
 */
public final class GraphJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PAGES = 1000;

    private final GraphHttp http;
    private final URI root;

    public GraphJson(GraphHttp http, URI root) {
        this.http = Objects.requireNonNull(http, "http");
        this.root = URI.create(root.toString().replaceAll("/+$", ""));
    }

    /** {@code root + path}; path segments that hold ids must be given through {@link #segment}. */
    public URI url(String pathAndQuery) {
        return URI.create(root + pathAndQuery);
    }

    /** One path segment, percent-encoded (an id from an event or a request is never trusted to be a GUID). */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The object at {@code url}. */
    public JsonNode object(URI url, String what) {
        JsonNode node = parse(http.get(url, what), what);
        if (!node.isObject()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": expected a JSON object, found " + JsonFields.kindOf(node));
        }
        return node;
    }

    /** One page of a collection: its items and its next link (null on the last). */
    public record Page(List<JsonNode> items, URI next) {
    }

    public Page page(URI url, String what) {
        JsonNode page = object(url, what);
        JsonNode value = page.get("value");
        if (value == null || !value.isArray()) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": expected a Graph collection {\"value\":[...]}");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        JsonNode link = page.get("@odata.nextLink");
        if (link == null) {
            link = page.get("nextLink"); // Azure Resource Manager's lists (https://learn.microsoft.com/en-us/rest/api/azure/#async-operations-throttling-and-paging)
        }
        return new Page(items, link != null && link.isTextual() ? onGraph(link.textValue(), what) : null);
    }

    /** Every item of the collection at {@code url}, all pages. */
    public List<JsonNode> all(URI url, String what) {
        List<JsonNode> items = new ArrayList<>();
        URI next = url;
        for (int pages = 0; next != null; pages++) {
            if (pages >= MAX_PAGES) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": more than " + MAX_PAGES + " pages");
            }
            Page page = page(next, what);
            items.addAll(page.items());
            next = page.next();
        }
        return items;
    }

    /** A link Graph gave, if it stays on Graph's scheme, host and port. */
    public URI onGraph(String link, String what) {
        URI next;
        try {
            next = URI.create(link);
        } catch (IllegalArgumentException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": @odata.nextLink is not a URL");
        }
        if (!Objects.equals(next.getHost(), root.getHost()) || next.getPort() != root.getPort()
                || !Objects.equals(next.getScheme(), root.getScheme())) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": @odata.nextLink leaves " + root.getHost() + " for "
                    + next.getHost() + "; not followed");
        }
        return next;
    }

    private static JsonNode parse(byte[] body, String what) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null) {
                throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer is empty");
            }
            return node;
        } catch (IOException e) {
            throw new ConnectorException(ErrorCode.MALFORMED_RESPONSE, what + ": the answer is not JSON: "
                    + JsonFields.clip(e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage(), 160), e);
        }
    }

    public GraphHttp http() {
        return http;
    }

    @Override
    public String toString() {
        return "GraphJson[" + root + "]";
    }
}
