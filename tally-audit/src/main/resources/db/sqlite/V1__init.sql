-- Tally SQLite schema, version 1. Documented in dev.tally.audit.store.sqlite.SqliteAuditStore.
-- Statements are separated by a semicolon at the end of a line.

-- Every audit entry of every chain. body is the entry's canonical bytes exactly as hashed;
-- the other columns are copies of body fields for indexing (the verifier checks they agree).
CREATE TABLE entries (
    row_id     INTEGER PRIMARY KEY,
    chain      TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    id         TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    ts         INTEGER NOT NULL,
    key_id     TEXT,
    model      TEXT,
    provider   TEXT,
    status     TEXT,
    user_id    TEXT,
    event_type TEXT,
    prev_hash  TEXT    NOT NULL,
    hash       TEXT    NOT NULL,
    body       BLOB    NOT NULL,
    UNIQUE (chain, seq)
);
CREATE INDEX entries_id ON entries (id);
CREATE INDEX entries_calls_ts ON entries (ts) WHERE kind = 'call';
CREATE INDEX entries_calls_key_ts ON entries (key_id, ts) WHERE kind = 'call';
CREATE INDEX entries_calls_model_ts ON entries (model, ts) WHERE kind = 'call';
CREATE INDEX entries_events_ts ON entries (ts) WHERE kind <> 'call';
CREATE INDEX entries_events_type_ts ON entries (event_type, ts) WHERE kind <> 'call';

-- Tags of call records, for the tag filter of call queries.
CREATE TABLE call_tags (
    name   TEXT    NOT NULL,
    value  TEXT    NOT NULL,
    row_id INTEGER NOT NULL,
    PRIMARY KEY (name, value, row_id)
) WITHOUT ROWID;

-- Opening markers of calls in flight; deleted by the call's closing record.
CREATE TABLE openings (
    id    TEXT    PRIMARY KEY,
    chain TEXT    NOT NULL,
    ts    INTEGER NOT NULL,
    body  BLOB    NOT NULL
);
CREATE INDEX openings_chain_ts ON openings (chain, ts);

CREATE TABLE checkpoints (
    chain     TEXT    NOT NULL,
    seq       INTEGER NOT NULL,
    hash      TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    key_id    TEXT,
    signature TEXT,
    PRIMARY KEY (chain, seq)
) WITHOUT ROWID;

CREATE TABLE anchors (
    chain     TEXT    PRIMARY KEY,
    seq       INTEGER NOT NULL,
    hash      TEXT    NOT NULL,
    at        INTEGER NOT NULL,
    key_id    TEXT,
    signature TEXT
) WITHOUT ROWID;

CREATE TABLE signing_keys (
    key_id     TEXT PRIMARY KEY,
    public_key TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE virtual_keys (
    id                  TEXT    PRIMARY KEY,
    name                TEXT    NOT NULL UNIQUE,
    secret_hash         TEXT    NOT NULL UNIQUE,
    prefix              TEXT    NOT NULL,
    allowed_models      TEXT    NOT NULL,
    requests_per_minute INTEGER,
    tokens_per_minute   INTEGER,
    budget_micros       INTEGER,
    budget_period       TEXT,
    expires_at          INTEGER,
    enabled             INTEGER NOT NULL,
    payload_policy      TEXT,
    tags                TEXT    NOT NULL,
    created_at          INTEGER NOT NULL,
    revoked_at          INTEGER
);

CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Usage rollups, maintained in the transaction of each batch (dev.tally.audit.rollup.RollupTable
-- lists them; docs/architecture.md says which report reads which). Every call adds to one row of
-- each table without a tag, and to one row of each tag table per tag it carries. '' stands for an
-- absent dimension value. Measures: calls, token sums (known values only), cost of priced calls,
-- unpriced calls, and latency/ttft count, sum and mergeable histogram (NULL: no sample). Hourly
-- tables key the status; day tables count calls per status in columns, so they have a quarter of
-- the rows but cannot filter or group by status.

-- Per UTC hour x model x provider x status: every report that needs no key, user or tag (by
-- model, provider, status or time, and the summary) reads these few rows per hour.
CREATE TABLE model_rollups (
    hour                INTEGER NOT NULL,
    chain               TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    calls               INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens  INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    cost_micros         INTEGER NOT NULL,
    unpriced_calls      INTEGER NOT NULL,
    latency_count       INTEGER NOT NULL,
    latency_sum         INTEGER NOT NULL,
    latency_hist        BLOB,
    ttft_count          INTEGER NOT NULL,
    ttft_sum            INTEGER NOT NULL,
    ttft_hist           BLOB,
    PRIMARY KEY (hour, chain, model, provider, status)
) WITHOUT ROWID;

-- Per UTC day (epoch ms of its start) x model x provider: whole days of those reports.
CREATE TABLE model_day_rollups (
    day                 INTEGER NOT NULL,
    chain               TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    calls               INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens  INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    cost_micros         INTEGER NOT NULL,
    unpriced_calls      INTEGER NOT NULL,
    latency_count       INTEGER NOT NULL,
    latency_sum         INTEGER NOT NULL,
    latency_hist        BLOB,
    ttft_count          INTEGER NOT NULL,
    ttft_sum            INTEGER NOT NULL,
    ttft_hist           BLOB,
    success             INTEGER NOT NULL,
    errors              INTEGER NOT NULL,
    refused             INTEGER NOT NULL,
    cancelled           INTEGER NOT NULL,
    interrupted         INTEGER NOT NULL,
    PRIMARY KEY (day, chain, model, provider)
) WITHOUT ROWID;

-- Per UTC hour x key x model x provider x status: the grain of the brief; reports by or for a key.
CREATE TABLE rollups (
    hour                INTEGER NOT NULL,
    chain               TEXT    NOT NULL,
    key_id              TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    calls               INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens  INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    cost_micros         INTEGER NOT NULL,
    unpriced_calls      INTEGER NOT NULL,
    latency_count       INTEGER NOT NULL,
    latency_sum         INTEGER NOT NULL,
    latency_hist        BLOB,
    ttft_count          INTEGER NOT NULL,
    ttft_sum            INTEGER NOT NULL,
    ttft_hist           BLOB,
    PRIMARY KEY (hour, chain, key_id, model, provider, status)
) WITHOUT ROWID;

-- Per UTC day x key x model x provider: whole days of reports by or for a key.
CREATE TABLE day_rollups (
    day                 INTEGER NOT NULL,
    chain               TEXT    NOT NULL,
    key_id              TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    calls               INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens  INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    cost_micros         INTEGER NOT NULL,
    unpriced_calls      INTEGER NOT NULL,
    latency_count       INTEGER NOT NULL,
    latency_sum         INTEGER NOT NULL,
    latency_hist        BLOB,
    ttft_count          INTEGER NOT NULL,
    ttft_sum            INTEGER NOT NULL,
    ttft_hist           BLOB,
    success             INTEGER NOT NULL,
    errors              INTEGER NOT NULL,
    refused             INTEGER NOT NULL,
    cancelled           INTEGER NOT NULL,
    interrupted         INTEGER NOT NULL,
    PRIMARY KEY (day, chain, key_id, model, provider)
) WITHOUT ROWID;

-- Per UTC hour x user x status: reports by or for a user (user_id '' = calls without a user).
CREATE TABLE user_rollups (
    hour                INTEGER NOT NULL,
    chain               TEXT    NOT NULL,
    user_id             TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    calls               INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens  INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    cost_micros         INTEGER NOT NULL,
    unpriced_calls      INTEGER NOT NULL,
    latency_count       INTEGER NOT NULL,
    latency_sum         INTEGER NOT NULL,
    latency_hist        BLOB,
    ttft_count          INTEGER NOT NULL,
    ttft_sum            INTEGER NOT NULL,
    ttft_hist           BLOB,
    PRIMARY KEY (hour, chain, user_id, status)
) WITHOUT ROWID;

-- Per UTC day x user: whole days of long reports by or for a user.
CREATE TABLE user_day_rollups (
    day                 INTEGER NOT NULL,
    chain               TEXT    NOT NULL,
    user_id             TEXT    NOT NULL,
    calls               INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens  INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    cost_micros         INTEGER NOT NULL,
    unpriced_calls      INTEGER NOT NULL,
    latency_count       INTEGER NOT NULL,
    latency_sum         INTEGER NOT NULL,
    latency_hist        BLOB,
    ttft_count          INTEGER NOT NULL,
    ttft_sum            INTEGER NOT NULL,
    ttft_hist           BLOB,
    success             INTEGER NOT NULL,
    errors              INTEGER NOT NULL,
    refused             INTEGER NOT NULL,
    cancelled           INTEGER NOT NULL,
    interrupted         INTEGER NOT NULL,
    PRIMARY KEY (day, chain, user_id)
) WITHOUT ROWID;

-- Per tag x UTC hour x model x provider x status: a call with n tags adds to n rows. Keyed by
-- tag name first, since every read asks for one tag.
CREATE TABLE tag_rollups (
    tag_name            TEXT    NOT NULL,
    hour                INTEGER NOT NULL,
    chain               TEXT    NOT NULL,
    tag_value           TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    status              TEXT    NOT NULL,
    calls               INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens  INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    cost_micros         INTEGER NOT NULL,
    unpriced_calls      INTEGER NOT NULL,
    latency_count       INTEGER NOT NULL,
    latency_sum         INTEGER NOT NULL,
    latency_hist        BLOB,
    ttft_count          INTEGER NOT NULL,
    ttft_sum            INTEGER NOT NULL,
    ttft_hist           BLOB,
    PRIMARY KEY (tag_name, hour, chain, tag_value, model, provider, status)
) WITHOUT ROWID;

-- Per tag x UTC day x model x provider: whole days of long reports by or for a tag.
CREATE TABLE tag_day_rollups (
    tag_name            TEXT    NOT NULL,
    day                 INTEGER NOT NULL,
    chain               TEXT    NOT NULL,
    tag_value           TEXT    NOT NULL,
    model               TEXT    NOT NULL,
    provider            TEXT    NOT NULL,
    calls               INTEGER NOT NULL,
    input_tokens        INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    cache_write_tokens  INTEGER NOT NULL,
    output_tokens       INTEGER NOT NULL,
    reasoning_tokens    INTEGER NOT NULL,
    cost_micros         INTEGER NOT NULL,
    unpriced_calls      INTEGER NOT NULL,
    latency_count       INTEGER NOT NULL,
    latency_sum         INTEGER NOT NULL,
    latency_hist        BLOB,
    ttft_count          INTEGER NOT NULL,
    ttft_sum            INTEGER NOT NULL,
    ttft_hist           BLOB,
    success             INTEGER NOT NULL,
    errors              INTEGER NOT NULL,
    refused             INTEGER NOT NULL,
    cancelled           INTEGER NOT NULL,
    interrupted         INTEGER NOT NULL,
    PRIMARY KEY (tag_name, day, chain, tag_value, model, provider)
) WITHOUT ROWID;

-- Kept payloads (audit.payload hash, redacted or full), one per call record, written in the
-- record's transaction. Outside the hash chain on purpose: payloads get their own retention.
CREATE TABLE payloads (
    call_id         TEXT    PRIMARY KEY,
    mode            TEXT    NOT NULL,
    request         TEXT,
    response        TEXT,
    request_sha256  TEXT    NOT NULL,
    response_sha256 TEXT    NOT NULL,
    truncated       INTEGER NOT NULL,
    created_ts      INTEGER NOT NULL
);
CREATE INDEX payloads_created_ts ON payloads (created_ts);

PRAGMA user_version = 1;
