-- H2 fires no trigger on TRUNCATE, so V1_1 alone let TRUNCATE TABLE ledger wipe the ledger (issue #12).
-- H2 refuses to truncate a table that a foreign key references, whether or not any row refers to it:
-- this empty table exists only to hold that reference. Nothing ever writes to it. Turning referential
-- integrity off (SET REFERENTIAL_INTEGRITY FALSE) needs admin rights; the signed checkpoints of the
-- ledger's head (README, "Persistence") catch what an admin or a file-level edit does.
CREATE TABLE ledger_truncate_guard (
    seq BIGINT NOT NULL,
    CONSTRAINT ledger_truncate_guard_fk FOREIGN KEY (seq) REFERENCES ledger (seq)
);
