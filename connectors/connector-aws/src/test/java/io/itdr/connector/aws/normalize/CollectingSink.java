package io.itdr.connector.aws.normalize;

import io.itdr.spi.event.IdentityEvent;
import io.itdr.spi.telemetry.NormalizationSink;
import io.itdr.spi.telemetry.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

/** Keeps what a normalizer produced, in order. */
final class CollectingSink implements NormalizationSink {
    final List<IdentityEvent> events = new ArrayList<>();
    final List<Rejection> rejections = new ArrayList<>();

    @Override
    public void accept(IdentityEvent event) {
        events.add(event);
    }

    @Override
    public void reject(Rejection rejection) {
        rejections.add(rejection);
    }

    IdentityEvent event(String id) {
        return events.stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new NoSuchElementException("no event " + id + " among " + events.stream().map(IdentityEvent::id).toList()));
    }
}
