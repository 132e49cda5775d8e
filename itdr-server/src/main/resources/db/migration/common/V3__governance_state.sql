-- State that survives a restart (issue #12): budget units and tripped breakers, escalation history,
-- open incidents and each identity's detector state (learned baselines), as small JSON entries that
-- carry their own format version, grouped by section (budget, budget.shadow, escalation, incident,
-- incident.finding, detector) and keyed within it (a budget key, an identity key, a finding id).
-- Bounded as the engine's memory is: what the engine forgets is deleted with its next write.
-- seq orders a section's entries by their last write, so a restore rebuilds least-recently-used order.
CREATE TABLE engine_state (
    section     VARCHAR(40)   NOT NULL,
    state_key   VARCHAR(1000) NOT NULL,
    seq         BIGINT        NOT NULL,
    body        TEXT          NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT engine_state_pk PRIMARY KEY (section, state_key)
);
CREATE INDEX engine_state_order ON engine_state (section, seq);
