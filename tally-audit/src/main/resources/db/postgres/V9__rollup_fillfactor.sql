-- Tally PostgreSQL schema, version 9: room for HOT updates in the usage rollup tables
-- (dev.tally.audit.store.postgres.RollupUpserts; docs/architecture.md, "Usage rollups").
--
-- A fold adds to rollup rows that exist already (the current hour and day of every busy key,
-- model, user and tag) with INSERT ... ON CONFLICT DO UPDATE. An update changes no key column,
-- so PostgreSQL can write the new row version into the same page without touching the primary
-- key index (a heap-only tuple), but only when the page has free space; at the default
-- fillfactor of 100 it has none, and every update also inserts an index entry and splits pages.
-- 70 leaves a page room for a few updated versions until vacuum reclaims the old ones. Applies
-- to pages written from now on; existing pages fill as they are rewritten.
ALTER TABLE model_rollups SET (fillfactor = 70);
ALTER TABLE model_day_rollups SET (fillfactor = 70);
ALTER TABLE rollups SET (fillfactor = 70);
ALTER TABLE day_rollups SET (fillfactor = 70);
ALTER TABLE user_rollups SET (fillfactor = 70);
ALTER TABLE user_day_rollups SET (fillfactor = 70);
ALTER TABLE tag_rollups SET (fillfactor = 70);
ALTER TABLE tag_day_rollups SET (fillfactor = 70);
