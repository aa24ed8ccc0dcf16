-- Tally PostgreSQL schema, version 5: the budget-alert outbox (dev.tally.audit.alert;
-- docs/spend.md, "Budget alerts").

-- One row per budget, period and threshold crossed, inserted by an instance's writer in the
-- transaction of the commit whose rollup update crossed it (BudgetCrossings): the unique key
-- makes it exactly once across every instance sharing the database (a concurrent second insert
-- waits for the first and then does nothing). Times are epoch milliseconds. id is the delivery
-- id (alrt_ + 24 hex of SHA-256 over budget, period_start, threshold). Each instance's dispatcher
-- leases due rows with FOR UPDATE SKIP LOCKED (lease_owner, lease_until; 0 = not leased), so two
-- never send the same row at once, then sets state to delivered or failed (finished_at), or
-- releases the row for a later attempt (next_attempt_at).
CREATE TABLE budget_alerts (
    id              text   PRIMARY KEY,
    budget          text   NOT NULL,
    kind            text   NOT NULL CHECK (kind IN ('key', 'user', 'tag')),
    subject         text   NOT NULL,
    period          text   NOT NULL CHECK (period IN ('day', 'month')),
    period_start    bigint NOT NULL,
    threshold       int    NOT NULL,
    budget_micros   bigint NOT NULL,
    spent_micros    bigint NOT NULL,
    crossed_at      bigint NOT NULL,
    record_id       text   NOT NULL,
    state           text   NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        int    NOT NULL,
    next_attempt_at bigint NOT NULL,
    lease_owner     text,
    lease_until     bigint NOT NULL,
    last_error      text,
    finished_at     bigint,
    UNIQUE (budget, period_start, threshold)
);

CREATE INDEX budget_alerts_due ON budget_alerts (state, next_attempt_at);
CREATE INDEX budget_alerts_crossed ON budget_alerts (crossed_at);
