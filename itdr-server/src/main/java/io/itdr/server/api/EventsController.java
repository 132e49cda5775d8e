package io.itdr.server.api;

import io.itdr.server.query.EventQueries;
import java.time.Instant;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/events}: stored events, newest first; their normalized JSON only under retention {@code full}. *
 * <p>Stateless and thread-safe.
 */
@RestController
@RequestMapping("/api/v1/events")
public class EventsController {
    /**
     * One stored event.
     *
     * @param event the normalized event (itdr's event JSON); null when the server keeps digests only
     */
    public record EventView(long seq, String connectorId, String eventId, String identityKey, Instant occurredAt,
                            Instant receivedAt, String digest, JsonNode event) {
    }

    private final EventQueries events;
    private final JsonMapper json;

    public EventsController(EventQueries events, JsonMapper json) {
        this.events = events;
        this.json = json;
    }

    @GetMapping
    public Paging.Page<EventView> events(@RequestParam(defaultValue = "50") int limit, @RequestParam(defaultValue = "0") long offset) {
        Paging paging = Paging.of(limit, offset);
        return paging.page(events.latest(paging.limit(), paging.offset()).stream().map(this::view).toList());
    }

    private EventView view(EventQueries.EventRow row) {
        return new EventView(row.seq(), row.connectorId(), row.eventId(), row.identityKey(), row.occurredAt(), row.receivedAt(),
                row.digest(), row.json() == null ? null : json.readTree(row.json()));
    }
}
