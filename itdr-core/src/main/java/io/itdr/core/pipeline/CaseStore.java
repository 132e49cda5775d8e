package io.itdr.core.pipeline;

import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import java.time.Instant;

/**
 * Where the {@link Intake} files each finding and its decision as they happen (the server groups
 * them into incidents in its database). Implementations are thread-safe.
 */
@FunctionalInterface
public interface CaseStore {

    /** Files nothing. */
    CaseStore NONE = (finding, decision, at) -> { };

    /** Files {@code finding} and {@code decision}, durably before returning. */
    void record(Finding finding, Decision decision, Instant at);
}
