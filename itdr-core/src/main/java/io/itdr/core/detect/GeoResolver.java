package io.itdr.core.detect;

import io.itdr.spi.event.Geo;
import io.itdr.spi.event.Source;
import java.util.Optional;

/**
 * Locates a source (GeoIP database, cloud region table). The engine asks only for sources whose
 * event carries no coordinates of its own: platform-supplied geo comes first. Called once per
 * such event, so implementations answer from memory (and cache); they must be thread-safe and
 * must not throw for unknown or non-IP sources.
 */
@FunctionalInterface
public interface GeoResolver {

    /**
     * @param source never null
     * @return the location, empty when unknown
     */
    Optional<Geo> resolve(Source source);

    /** A resolver that knows nothing: only platform-supplied geo is used. */
    static GeoResolver none() {
        return source -> Optional.empty();
    }
}
