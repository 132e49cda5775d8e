-- Policies activated at run time (issue #12): every version an admin put in force, in order, with
-- its text, hash, who activated it, when and why. Never updated or deleted: the newest row is the
-- policy a restart starts with; the older ones are its history. Each activation is also ledgered
-- (admin.policy_activated) with the same hash.
CREATE TABLE policy_versions (
    version          BIGINT        NOT NULL PRIMARY KEY,
    sha256           CHAR(64)      NOT NULL,
    name             VARCHAR(1000) NOT NULL,
    policy_version   VARCHAR(1000) NOT NULL,
    body             TEXT          NOT NULL,
    activated_by     VARCHAR(1000) NOT NULL,
    activated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    reason           TEXT          NOT NULL,
    previous_sha256  CHAR(64)
);
