package io.itdr.server.intake;

import io.itdr.server.config.ItdrProperties;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import org.springframework.stereotype.Component;

/**
 * How many pushes are normalized at once ({@code itdr.ingest.max-concurrent}): a push that finds
 * every place taken is refused at once (429), never queued, so waiting pushes cannot pile up
 * their buffers. Thread-safe.
 */
@Component
public class IngestGate {
    /** One place taken; closing it gives the place back (once). */
    public interface Place extends AutoCloseable {
        @Override
        void close();
    }

    private final Semaphore places;
    private final int limit;

    public IngestGate(ItdrProperties properties) {
        this.limit = properties.ingest().maxConcurrent();
        this.places = new Semaphore(limit);
    }

    /** A place when one is free; empty when {@link #limit()} pushes are already being normalized. */
    public Optional<Place> tryEnter() {
        if (!places.tryAcquire()) {
            return Optional.empty();
        }
        return Optional.of(new Place() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (!closed) {
                    closed = true;
                    places.release();
                }
            }
        });
    }

    public int limit() {
        return limit;
    }
}
