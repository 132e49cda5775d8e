package io.itdr.server.query;

import io.itdr.core.model.Decision;
import io.itdr.core.model.Finding;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Findings, their decisions and the incidents they are filed under. Implementations are thread-safe. */
public interface CaseQueries {

    /** One incident as stored. */
    record Incident(String id, String identityKey, String platform, String status, Instant openedAt,
                    Instant updatedAt, int findingCount, String summary) {
    }

    /** Findings, newest first; those of one incident when {@code incidentId} is not null. */
    List<Finding> findings(String incidentId, int limit, long offset);

    Optional<Finding> finding(String id);

    /** Decisions, newest first; those on one finding when {@code findingId} is not null. */
    List<Decision> decisions(String findingId, int limit, long offset);

    Optional<Decision> decision(String id);

    List<Incident> incidents(int limit, long offset);

    Optional<Incident> incident(String id);
}
