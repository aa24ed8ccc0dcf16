-- Tally PostgreSQL schema, version 7: cost adjustments (re-pricing; docs/spend.md, "Re-pricing").
-- (Version 6 belongs to the price tables.)

-- One row per cost_adjustment admin event, inserted in the same transaction as that chained
-- event (AdminChange.AdjustCost): the row is a projection of the event plus the adjusted call's
-- dimensions, copied from the call record so usage reports group adjustments like calls without
-- reading the record. A call record is never edited: its effective cost is its cost_micros plus
-- the delta_micros of its rows. Times are epoch milliseconds: ts is the adjusted call's
-- started_at (the time the adjustment is reported under), adjusted_at the event's timestamp.
-- old_micros and old_price_id are NULL when the call was unpriced before. tags is the call's
-- tags as a JSON object (text, as written). Not partitioned: adjustments are few next to calls
-- and outlive the pruned calls, as rollups do. `tally verify --deep` checks every row against
-- its event.
CREATE TABLE cost_adjustments (
    id           text   PRIMARY KEY,
    chain        text   NOT NULL,
    adjusted_at  bigint NOT NULL,
    record_id    text   NOT NULL,
    ts           bigint NOT NULL,
    key_id       text,
    model        text   NOT NULL,
    provider     text,
    status       text,
    user_id      text,
    tags         text   NOT NULL,
    old_micros   bigint,
    old_price_id text,
    new_micros   bigint NOT NULL,
    new_price_id text   NOT NULL,
    delta_micros bigint NOT NULL,
    reason       text
);

CREATE INDEX cost_adjustments_ts ON cost_adjustments (ts);
CREATE INDEX cost_adjustments_model_ts ON cost_adjustments (model, ts);
CREATE INDEX cost_adjustments_record ON cost_adjustments (record_id);
