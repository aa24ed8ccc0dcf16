-- Tally PostgreSQL schema, version 2: the Merkle tree over each chain (docs/integrity.md).
-- Same columns as db/sqlite/V2__merkle_heads.sql; see there for what each holds.
ALTER TABLE checkpoints
    ADD COLUMN root      text,
    ADD COLUMN prev_head text,
    ADD COLUMN closed    boolean NOT NULL DEFAULT false,
    ADD COLUMN next_key  text,
    ADD COLUMN frontier  text;

ALTER TABLE anchors
    ADD COLUMN root          text,
    ADD COLUMN frontier      text,
    ADD COLUMN rollup_digest text;
