-- Tally PostgreSQL schema, version 1. Documented in dev.tally.audit.store.postgres.PostgresAuditStore.
-- Applied by Flyway (history in flyway_schema_history). Times are epoch milliseconds (bigint),
-- as in the SQLite schema, so both stores hold the same values.

-- Every audit entry of every chain, partitioned by UTC day of ts (the entry's time). body is the
-- entry's canonical bytes exactly as hashed; the other columns are copies of body fields for
-- indexing (the verifier checks they agree). Partitions (entries_pYYYYMMDD) are created ahead
-- of time by the store and dropped whole by retention. The key includes ts because a key of a
-- partitioned table must include the partition column; (chain, seq) is unique by construction:
-- one writer per chain, checked under the chain's advisory lock in every batch.
CREATE TABLE entries (
    chain      text   NOT NULL,
    seq        bigint NOT NULL,
    ts         bigint NOT NULL,
    id         text   NOT NULL,
    kind       text   NOT NULL,
    key_id     text,
    model      text,
    provider   text,
    status     text,
    user_id    text,
    event_type text,
    prev_hash  text   NOT NULL,
    hash       text   NOT NULL,
    body       bytea  NOT NULL,
    PRIMARY KEY (chain, seq, ts)
) PARTITION BY RANGE (ts);
CREATE INDEX entries_id ON entries (id);
CREATE INDEX entries_calls_ts ON entries (ts) WHERE kind = 'call';
CREATE INDEX entries_calls_key_ts ON entries (key_id, ts) WHERE kind = 'call';
CREATE INDEX entries_calls_model_ts ON entries (model, ts) WHERE kind = 'call';
CREATE INDEX entries_events_ts ON entries (ts) WHERE kind <> 'call';
CREATE INDEX entries_events_type_ts ON entries (event_type, ts) WHERE kind <> 'call';

-- Tags of call records, for the tag filter of call queries; partitioned like entries (same
-- day bounds, call_tags_pYYYYMMDD) so a day's tags go with its entries.
CREATE TABLE call_tags (
    name  text   NOT NULL,
    value text   NOT NULL,
    ts    bigint NOT NULL,
    chain text   NOT NULL,
    seq   bigint NOT NULL,
    PRIMARY KEY (name, value, ts, chain, seq)
) PARTITION BY RANGE (ts);

-- The last committed entry of each chain, updated in every batch: where its writer continues.
CREATE TABLE chain_heads (
    chain text   PRIMARY KEY,
    seq   bigint NOT NULL,
    hash  text   NOT NULL
);

-- Opening markers of calls in flight; deleted by the call's closing record.
CREATE TABLE openings (
    id    text   PRIMARY KEY,
    chain text   NOT NULL,
    ts    bigint NOT NULL,
    body  bytea  NOT NULL
);
CREATE INDEX openings_chain_ts ON openings (chain, ts);

CREATE TABLE checkpoints (
    chain     text   NOT NULL,
    seq       bigint NOT NULL,
    hash      text   NOT NULL,
    at        bigint NOT NULL,
    key_id    text,
    signature text,
    PRIMARY KEY (chain, seq)
);

-- Retention anchors. Entries of a chain at or below its anchor's seq are pruned: invisible at
-- once, physically gone when their day's partition is dropped.
CREATE TABLE anchors (
    chain     text   PRIMARY KEY,
    seq       bigint NOT NULL,
    hash      text   NOT NULL,
    at        bigint NOT NULL,
    key_id    text,
    signature text
);

CREATE TABLE signing_keys (
    key_id     text PRIMARY KEY,
    public_key text NOT NULL
);

CREATE TABLE virtual_keys (
    id                  text    PRIMARY KEY,
    name                text   NOT NULL UNIQUE,
    secret_hash         text   NOT NULL UNIQUE,
    prefix              text   NOT NULL,
    allowed_models      text   NOT NULL,
    requests_per_minute bigint,
    tokens_per_minute   bigint,
    budget_micros       bigint,
    budget_period       text,
    expires_at          bigint,
    enabled             boolean NOT NULL,
    payload_policy      text,
    tags                text   NOT NULL,
    created_at          bigint  NOT NULL,
    revoked_at          bigint
);

CREATE TABLE settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);

-- Usage rollups, maintained in the transaction of each batch (dev.tally.audit.rollup.RollupTable
-- lists them; docs/architecture.md says which report reads which). Every call adds to one row of
-- each table without a tag, and to one row of each tag table per tag it carries. '' stands for an
-- absent dimension value. The same tables as the SQLite schema; rows are keyed by chain, so each
-- instance only ever updates its own rows. Measures: calls, token sums (known values only), cost of priced calls,
-- unpriced calls, and latency/ttft count, sum and mergeable histogram (NULL: no sample). Hourly
-- tables key the status; day tables count calls per status in columns, so they have a quarter of
-- the rows but cannot filter or group by status.

-- Per UTC hour x model x provider x status: every report that needs no key, user or tag (by
-- model, provider, status or time, and the summary) reads these few rows per hour.
CREATE TABLE model_rollups (
    hour                bigint NOT NULL,
    chain               text   NOT NULL,
    model               text   NOT NULL,
    provider            text   NOT NULL,
    status              text   NOT NULL,
    calls               bigint NOT NULL,
    input_tokens        bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    cache_write_tokens  bigint NOT NULL,
    output_tokens       bigint NOT NULL,
    reasoning_tokens    bigint NOT NULL,
    cost_micros         bigint NOT NULL,
    unpriced_calls      bigint NOT NULL,
    latency_count       bigint NOT NULL,
    latency_sum         bigint NOT NULL,
    latency_hist        bytea,
    ttft_count          bigint NOT NULL,
    ttft_sum            bigint NOT NULL,
    ttft_hist           bytea,
    PRIMARY KEY (hour, chain, model, provider, status)
);

-- Per UTC day (epoch ms of its start) x model x provider: whole days of those reports.
CREATE TABLE model_day_rollups (
    day                 bigint NOT NULL,
    chain               text   NOT NULL,
    model               text   NOT NULL,
    provider            text   NOT NULL,
    calls               bigint NOT NULL,
    input_tokens        bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    cache_write_tokens  bigint NOT NULL,
    output_tokens       bigint NOT NULL,
    reasoning_tokens    bigint NOT NULL,
    cost_micros         bigint NOT NULL,
    unpriced_calls      bigint NOT NULL,
    latency_count       bigint NOT NULL,
    latency_sum         bigint NOT NULL,
    latency_hist        bytea,
    ttft_count          bigint NOT NULL,
    ttft_sum            bigint NOT NULL,
    ttft_hist           bytea,
    success             bigint NOT NULL,
    errors              bigint NOT NULL,
    refused             bigint NOT NULL,
    cancelled           bigint NOT NULL,
    interrupted         bigint NOT NULL,
    PRIMARY KEY (day, chain, model, provider)
);

-- Per UTC hour x key x model x provider x status: the grain of the brief; reports by or for a key.
CREATE TABLE rollups (
    hour                bigint NOT NULL,
    chain               text   NOT NULL,
    key_id              text   NOT NULL,
    model               text   NOT NULL,
    provider            text   NOT NULL,
    status              text   NOT NULL,
    calls               bigint NOT NULL,
    input_tokens        bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    cache_write_tokens  bigint NOT NULL,
    output_tokens       bigint NOT NULL,
    reasoning_tokens    bigint NOT NULL,
    cost_micros         bigint NOT NULL,
    unpriced_calls      bigint NOT NULL,
    latency_count       bigint NOT NULL,
    latency_sum         bigint NOT NULL,
    latency_hist        bytea,
    ttft_count          bigint NOT NULL,
    ttft_sum            bigint NOT NULL,
    ttft_hist           bytea,
    PRIMARY KEY (hour, chain, key_id, model, provider, status)
);

-- Per UTC day x key x model x provider: whole days of reports by or for a key.
CREATE TABLE day_rollups (
    day                 bigint NOT NULL,
    chain               text   NOT NULL,
    key_id              text   NOT NULL,
    model               text   NOT NULL,
    provider            text   NOT NULL,
    calls               bigint NOT NULL,
    input_tokens        bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    cache_write_tokens  bigint NOT NULL,
    output_tokens       bigint NOT NULL,
    reasoning_tokens    bigint NOT NULL,
    cost_micros         bigint NOT NULL,
    unpriced_calls      bigint NOT NULL,
    latency_count       bigint NOT NULL,
    latency_sum         bigint NOT NULL,
    latency_hist        bytea,
    ttft_count          bigint NOT NULL,
    ttft_sum            bigint NOT NULL,
    ttft_hist           bytea,
    success             bigint NOT NULL,
    errors              bigint NOT NULL,
    refused             bigint NOT NULL,
    cancelled           bigint NOT NULL,
    interrupted         bigint NOT NULL,
    PRIMARY KEY (day, chain, key_id, model, provider)
);

-- Per UTC hour x user x status: reports by or for a user (user_id '' = calls without a user).
CREATE TABLE user_rollups (
    hour                bigint NOT NULL,
    chain               text   NOT NULL,
    user_id             text   NOT NULL,
    status              text   NOT NULL,
    calls               bigint NOT NULL,
    input_tokens        bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    cache_write_tokens  bigint NOT NULL,
    output_tokens       bigint NOT NULL,
    reasoning_tokens    bigint NOT NULL,
    cost_micros         bigint NOT NULL,
    unpriced_calls      bigint NOT NULL,
    latency_count       bigint NOT NULL,
    latency_sum         bigint NOT NULL,
    latency_hist        bytea,
    ttft_count          bigint NOT NULL,
    ttft_sum            bigint NOT NULL,
    ttft_hist           bytea,
    PRIMARY KEY (hour, chain, user_id, status)
);

-- Per UTC day x user: whole days of long reports by or for a user.
CREATE TABLE user_day_rollups (
    day                 bigint NOT NULL,
    chain               text   NOT NULL,
    user_id             text   NOT NULL,
    calls               bigint NOT NULL,
    input_tokens        bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    cache_write_tokens  bigint NOT NULL,
    output_tokens       bigint NOT NULL,
    reasoning_tokens    bigint NOT NULL,
    cost_micros         bigint NOT NULL,
    unpriced_calls      bigint NOT NULL,
    latency_count       bigint NOT NULL,
    latency_sum         bigint NOT NULL,
    latency_hist        bytea,
    ttft_count          bigint NOT NULL,
    ttft_sum            bigint NOT NULL,
    ttft_hist           bytea,
    success             bigint NOT NULL,
    errors              bigint NOT NULL,
    refused             bigint NOT NULL,
    cancelled           bigint NOT NULL,
    interrupted         bigint NOT NULL,
    PRIMARY KEY (day, chain, user_id)
);

-- Per tag x UTC hour x model x provider x status: a call with n tags adds to n rows. Keyed by
-- tag name first, since every read asks for one tag.
CREATE TABLE tag_rollups (
    tag_name            text   NOT NULL,
    hour                bigint NOT NULL,
    chain               text   NOT NULL,
    tag_value           text   NOT NULL,
    model               text   NOT NULL,
    provider            text   NOT NULL,
    status              text   NOT NULL,
    calls               bigint NOT NULL,
    input_tokens        bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    cache_write_tokens  bigint NOT NULL,
    output_tokens       bigint NOT NULL,
    reasoning_tokens    bigint NOT NULL,
    cost_micros         bigint NOT NULL,
    unpriced_calls      bigint NOT NULL,
    latency_count       bigint NOT NULL,
    latency_sum         bigint NOT NULL,
    latency_hist        bytea,
    ttft_count          bigint NOT NULL,
    ttft_sum            bigint NOT NULL,
    ttft_hist           bytea,
    PRIMARY KEY (tag_name, hour, chain, tag_value, model, provider, status)
);

-- Per tag x UTC day x model x provider: whole days of long reports by or for a tag.
CREATE TABLE tag_day_rollups (
    tag_name            text   NOT NULL,
    day                 bigint NOT NULL,
    chain               text   NOT NULL,
    tag_value           text   NOT NULL,
    model               text   NOT NULL,
    provider            text   NOT NULL,
    calls               bigint NOT NULL,
    input_tokens        bigint NOT NULL,
    cached_input_tokens bigint NOT NULL,
    cache_write_tokens  bigint NOT NULL,
    output_tokens       bigint NOT NULL,
    reasoning_tokens    bigint NOT NULL,
    cost_micros         bigint NOT NULL,
    unpriced_calls      bigint NOT NULL,
    latency_count       bigint NOT NULL,
    latency_sum         bigint NOT NULL,
    latency_hist        bytea,
    ttft_count          bigint NOT NULL,
    ttft_sum            bigint NOT NULL,
    ttft_hist           bytea,
    success             bigint NOT NULL,
    errors              bigint NOT NULL,
    refused             bigint NOT NULL,
    cancelled           bigint NOT NULL,
    interrupted         bigint NOT NULL,
    PRIMARY KEY (tag_name, day, chain, tag_value, model, provider)
);

-- Kept payloads, one per call record, written in the record's transaction; outside the chain.
CREATE TABLE payloads (
    call_id         text    PRIMARY KEY,
    mode            text   NOT NULL,
    request         text,
    response        text,
    request_sha256  text   NOT NULL,
    response_sha256 text   NOT NULL,
    truncated       boolean NOT NULL,
    created_ts      bigint  NOT NULL
);
CREATE INDEX payloads_created_ts ON payloads (created_ts);
