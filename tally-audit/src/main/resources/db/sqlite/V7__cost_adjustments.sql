-- Tally SQLite schema, version 7: cost adjustments (re-pricing; docs/spend.md, "Re-pricing").
-- Statements are separated by a semicolon at the end of a line.
-- (Version 6 belongs to the price tables; Flyway does not need versions contiguous.)

-- One row per cost_adjustment admin event, inserted in the same transaction as that chained
-- event (AdminChange.AdjustCost): the row is a projection of the event plus the adjusted call's
-- dimensions, copied from the call record so usage reports group adjustments like calls without
-- reading the record. A call record is never edited: its effective cost is its cost_micros plus
-- the delta_micros of its rows. Times are epoch milliseconds: ts is the adjusted call's
-- started_at (the time the adjustment is reported under), adjusted_at the event's timestamp.
-- old_micros and old_price_id are NULL when the call was unpriced before. tags is the call's
-- tags as a JSON object. `tally verify --deep` checks every row against its event.
CREATE TABLE cost_adjustments (
    id           TEXT    PRIMARY KEY,
    chain        TEXT    NOT NULL,
    adjusted_at  INTEGER NOT NULL,
    record_id    TEXT    NOT NULL,
    ts           INTEGER NOT NULL,
    key_id       TEXT,
    model        TEXT    NOT NULL,
    provider     TEXT,
    status       TEXT,
    user_id      TEXT,
    tags         TEXT    NOT NULL,
    old_micros   INTEGER,
    old_price_id TEXT,
    new_micros   INTEGER NOT NULL,
    new_price_id TEXT    NOT NULL,
    delta_micros INTEGER NOT NULL,
    reason       TEXT
);

CREATE INDEX cost_adjustments_ts ON cost_adjustments (ts);
CREATE INDEX cost_adjustments_model_ts ON cost_adjustments (model, ts);
CREATE INDEX cost_adjustments_record ON cost_adjustments (record_id);

PRAGMA user_version = 7;
