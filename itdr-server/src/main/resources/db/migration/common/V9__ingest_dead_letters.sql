-- Poison events in the ingest backlog (hardening issue #20). An event whose processing failed
-- while the database took writes (the failure was the event's, not the storage's) is counted in
-- attempts; the worker retries it with back-off, its connector's later events waiting behind it.
-- After itdr.ingest.max-attempts it is moved, in one transaction, to ingest_dead_letters with the
-- reason, and the rest of the connector's backlog proceeds. An operator re-queues it (back into the
-- backlog under a new seq) or drops it, each ledgered first. Every acknowledged event is, at each
-- moment, in the backlog, the dead letters or the event store; the unique key and the ingest's
-- dedupe look at all three. Times are the server's (no database clock).
ALTER TABLE ingest_backlog ADD COLUMN attempts INT DEFAULT 0 NOT NULL;

CREATE TABLE ingest_dead_letters (
    seq           BIGINT        NOT NULL PRIMARY KEY,
    connector_id  VARCHAR(100)  NOT NULL,
    event_id      VARCHAR(500)  NOT NULL,
    pushed_by     VARCHAR(300)  NOT NULL,
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    body          TEXT          NOT NULL,
    raw_record    TEXT,
    attempts      INT           NOT NULL,
    reason        VARCHAR(2000) NOT NULL,
    dead_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT ingest_dead_letters_unique UNIQUE (connector_id, event_id)
);
-- Listing a connector's dead letters in order.
CREATE INDEX ingest_dead_letters_connector ON ingest_dead_letters (connector_id, seq);
