-- Tally PostgreSQL schema, version 8: usage rollups folded after the commit instead of inside it
-- (dev.tally.audit.store.postgres.RollupFolder; docs/architecture.md, "Usage rollups").
-- (Versions 6 and 7 belong to other changes; Flyway applies versions in order and does not need
-- them contiguous.)

-- How far each chain's calls are counted in the rollup tables: every call entry of the chain with
-- seq <= folded_seq is in the eight rollup tables, no entry above it is. The writer no longer
-- touches the rollups: its batch commits entries, tags and the head only, and the call entries
-- above folded_seq are themselves the rollup deltas. A folder (any instance, for any chain) adds
-- the next unfolded entries to the rollups and moves folded_seq in ONE transaction, under the
-- chain's transaction-scoped advisory lock (pg_try_advisory_xact_lock(1952541818, hashtext(chain))),
-- so two folders never count an entry twice. Every usage read takes rollups plus the call entries
-- above folded_seq in one snapshot, so a report is exact whether or not the folder has run.
-- A retention prune folds its chain through the anchor in its own transaction first, so no entry
-- is hidden or dropped before it is counted.
-- rows_until is the time (epoch ms) of the chain's latest folded call, NULL while the chain has
-- no rollup row: no rollup row of the chain starts after it, so a fold adding to a later hour or
-- day knows the row is new without reading it (its histograms are merged in Java, see
-- RollupUpserts).
CREATE TABLE rollup_folds (
    chain       text   PRIMARY KEY,
    folded_seq  bigint NOT NULL CHECK (folded_seq >= 0),
    rows_until  bigint
);

-- Before this version every committed call was in the rollups already. Every call adds to one
-- model_rollups row of its hour, so the chain's latest such hour bounds all of its rows.
INSERT INTO rollup_folds (chain, folded_seq, rows_until)
SELECT h.chain, h.seq, (SELECT max(m.hour) + 3599999 FROM model_rollups m WHERE m.chain = h.chain)
FROM chain_heads h;
