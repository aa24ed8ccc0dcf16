-- Tally SQLite schema, version 5: the budget-alert outbox (dev.tally.audit.alert; docs/spend.md,
-- "Budget alerts"). Statements are separated by a semicolon at the end of a line.
-- (Versions 3 and 4 are PostgreSQL-only; Flyway does not need versions contiguous.)

-- One row per budget, period and threshold crossed, inserted by the writer in the transaction of
-- the commit whose rollup update crossed it (BudgetCrossings): the unique key makes it exactly
-- once, whichever batch or instance gets there first. Times are epoch milliseconds. id is the
-- delivery id (alrt_ + 24 hex of SHA-256 over budget, period_start, threshold). A dispatcher
-- leases due rows (lease_owner, lease_until; 0 = not leased), sends them, then sets state to
-- delivered or failed (finished_at), or releases them for a later attempt (next_attempt_at).
CREATE TABLE budget_alerts (
    id              TEXT    PRIMARY KEY,
    budget          TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('key', 'user', 'tag')),
    subject         TEXT    NOT NULL,
    period          TEXT    NOT NULL CHECK (period IN ('day', 'month')),
    period_start    INTEGER NOT NULL,
    threshold       INTEGER NOT NULL,
    budget_micros   INTEGER NOT NULL,
    spent_micros    INTEGER NOT NULL,
    crossed_at      INTEGER NOT NULL,
    record_id       TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT,
    lease_until     INTEGER NOT NULL,
    last_error      TEXT,
    finished_at     INTEGER,
    UNIQUE (budget, period_start, threshold)
);

CREATE INDEX budget_alerts_due ON budget_alerts (state, next_attempt_at);
CREATE INDEX budget_alerts_crossed ON budget_alerts (crossed_at);

PRAGMA user_version = 5;
