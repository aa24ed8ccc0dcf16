-- Tally SQLite schema, version 2: the Merkle tree over each chain (docs/integrity.md).
-- Statements are separated by a semicolon at the end of a line.

-- A checkpoint is a signed tree head: root over seqs 1..seq, the head hash of the chain's previous
-- checkpoint, whether a clean close wrote it, the key it announces, and the tree's frontier at seq
-- (comma-separated hex, largest subtree first) so the writer and proofs continue from it.
-- Rows written by version 1 keep a NULL root and verify with the v1 signed bytes.
ALTER TABLE checkpoints ADD COLUMN root TEXT;
ALTER TABLE checkpoints ADD COLUMN prev_head TEXT;
ALTER TABLE checkpoints ADD COLUMN closed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE checkpoints ADD COLUMN next_key TEXT;
ALTER TABLE checkpoints ADD COLUMN frontier TEXT;

-- A retention anchor carries the tree's root and frontier at its seq (the pruned prefix's perfect
-- subtrees, so later proofs can still be built), and optionally the signed digest of the rollups
-- it leaves behind.
ALTER TABLE anchors ADD COLUMN root TEXT;
ALTER TABLE anchors ADD COLUMN frontier TEXT;
ALTER TABLE anchors ADD COLUMN rollup_digest TEXT;

PRAGMA user_version = 2;
