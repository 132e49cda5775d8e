package io.itdr.server.query;

import io.itdr.core.act.ActionRecord;
import io.itdr.core.act.ActionState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Actions, their lifecycle and the verdicts on them. Implementations are thread-safe. */
public interface ActionQueries {

    /** A person's verdict on a held action. */
    record Verdict(String actionId, String verdict, String actor, String reason, Instant decidedAt) {
    }

    Optional<ActionRecord> find(String actionId);

    /** Actions, newest first, optionally of one state and one identity (null: any). */
    List<ActionRecord> page(ActionState state, String identityKey, int limit, long offset);

    /** The verdicts on one action, oldest first. */
    List<Verdict> verdicts(String actionId);

    Map<ActionState, Long> countByState();
}
