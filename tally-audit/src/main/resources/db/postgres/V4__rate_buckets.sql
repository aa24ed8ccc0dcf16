-- Tally PostgreSQL schema, version 4: rate limits shared by every instance of one store
-- (dev.tally.audit.store.postgres.PostgresRateLeases; docs/deployment.md, "Rate limits").
-- (Version 3 is left to the SQLite-and-PostgreSQL CLI work; Flyway applies versions in order and
-- does not need them contiguous.)

-- One token bucket per virtual key and per-minute limit, shared by the fleet. Instances do not
-- take single requests or tokens from it: each leases a slice (a few percent of the limit) in one
-- statement, off the call path, and admits calls from its slice in memory. level is in units of
-- 1/60,000 (one unit refills in 60,000 / limit ms, so each elapsed millisecond adds exactly limit
-- of them, as in the in-memory bucket); it refills continuously up to limit * 60,000 and never
-- goes below zero. refilled_at is the newest instance clock that refilled it (epoch ms), so a
-- clock behind it adds nothing. last_grant is what the latest lease took: the lease is one
-- INSERT ... ON CONFLICT DO UPDATE ... RETURNING last_grant, whose SET expressions all see the
-- old row, so refill, grant and the new level are computed and written atomically in one round
-- trip. A new bucket starts full. Rows are tiny and few (two per key with limits); a revoked
-- key's rows are harmless and stay.
CREATE TABLE rate_buckets (
    key_id      text   NOT NULL,
    limit_name  text   NOT NULL CHECK (limit_name IN ('requests', 'tokens')),
    level       bigint NOT NULL CHECK (level >= 0),
    refilled_at bigint NOT NULL,
    last_grant  bigint NOT NULL,
    PRIMARY KEY (key_id, limit_name)
);
