package io.itdr.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.itdr.core.normalize.EventJson;
import io.itdr.spi.event.IdentityEvent;
import java.util.Map;
import java.util.TreeMap;

/**
 * An event in the normalized format with its attributes in key order. {@link EventJson} writes
 * the event's attribute map in the map's own order, and an immutable map's order changes from one
 * JVM to the next: sorting keeps the generator's promise that a seed gives the same bytes.
 * Stateless and thread-safe.
 */
final class EstateJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMPTY = "\"attributes\":{}}";

    private EstateJson() {
    }

    static String write(IdentityEvent e) {
        if (e.attributes().size() < 2) {
            return EventJson.write(e);
        }
        IdentityEvent bare = new IdentityEvent(e.id(), e.time(), e.platform(), e.tenant(), e.identity(), e.credential(), e.category(),
                e.action(), e.outcome(), e.source(), e.session(), e.privilege(), e.workload(), e.finding(), e.target(), e.rawRef(), Map.of());
        String json = EventJson.write(bare);
        if (!json.endsWith(EMPTY)) {
            throw new IllegalStateException("the normalized format no longer ends with the attributes: " + json);
        }
        try {
            return json.substring(0, json.length() - EMPTY.length()) + "\"attributes\":"
                    + JSON.writeValueAsString(new TreeMap<>(e.attributes())) + "}";
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("a map of strings is always JSON", impossible);
        }
    }
}
