package io.itdr.core.detect;

import io.itdr.core.enrich.SourceExpectation;
import io.itdr.core.model.ExpectedSources;

/**
 * Everything the engine remembers about one identity: one state object per detector (in the
 * engine's detector order) and the identity's compiled expected sources. The single place where
 * per-identity detection state lives; bounded because each detector's state is. Not thread-safe:
 * guarded by the engine.
 */
final class IdentityState {
    final Object[] slots;
    private SourceExpectation expectation = SourceExpectation.NONE;

    IdentityState(Object[] slots) {
        this.slots = slots;
    }

    /** The compiled form of {@code sources}, recompiled only when the record's sources change. */
    SourceExpectation expectation(ExpectedSources sources) {
        // the enricher hands out the catalog entry's own instance, so this is usually a reference check
        if (expectation.sources() != sources && !expectation.sources().equals(sources)) {
            expectation = SourceExpectation.of(sources);
        }
        return expectation;
    }
}
