-- The (identity_key, occurred_at) index of events is read by no query (the event listing and the
-- dry-run read by seq; dedupe reads the unique key), yet its keys arrive in random order, so every
-- stored event cost a random B-tree page write: on H2 a rewritten page per commit, the largest
-- share of a durable insert (BENCHMARKS.md, "durable intake"). Queries by identity can bring it
-- back when one needs it.
DROP INDEX events_identity;
