package io.itdr.connector.okta.normalize;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** Keeps what a normalizer produced, in order, with the location each event was given. */
final class CollectingSink implements NormalizationSink {
    final List<IdentityEvent> events = new ArrayList<>();
    final List<String> locations = new ArrayList<>();
    final List<Rejection> rejections = new ArrayList<>();

    @Override
    public void accept(IdentityEvent event) {
        accept(event, "(no location)");
    }

    @Override
    public void accept(IdentityEvent event, String location) {
        events.add(event);
        locations.add(location);
    }

    @Override
    public void reject(Rejection rejection) {
        rejections.add(rejection);
    }

    IdentityEvent event(String id) {
        return events.stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no event " + id + " among " + ids()));
    }

    List<String> ids() {
        return events.stream().map(IdentityEvent::id).toList();
    }
}
