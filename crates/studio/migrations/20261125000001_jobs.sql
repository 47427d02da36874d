-- The job history: one row per render, holding its whole state machine, so every
-- transition is one UPDATE inside one transaction.
CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    created_at       INTEGER NOT NULL,          -- ms since the epoch
    updated_at       INTEGER NOT NULL,
    state            TEXT NOT NULL,             -- see JobState
    -- The outbox: the canonical request body and its Idempotency-Key, committed before
    -- the first byte is sent and reused by every retry, in any process.
    request_body     TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL UNIQUE,
    prompt           TEXT NOT NULL,
    mode             TEXT NOT NULL,
    quality_tier     TEXT NOT NULL,
    channel          TEXT NOT NULL,
    aspect_ratio     TEXT NOT NULL,
    resolution       TEXT NOT NULL,
    duration         INTEGER NOT NULL,
    first_sent_at    INTEGER,                   -- first POST attempt: starts the 24 h clock
    attempts         INTEGER NOT NULL DEFAULT 0,
    task_id          TEXT,
    submitted_at     INTEGER,                   -- the 202 arrived
    completed_at     INTEGER,                   -- the engine saw completed/failed
    credits_used     INTEGER,
    credits_refunded INTEGER,
    seed             INTEGER,
    video_url        TEXT,
    last_frame_url   TEXT,
    video_path       TEXT,
    frame_path       TEXT,
    video_bytes      INTEGER,
    next_action_at   INTEGER,                   -- when the next submit/poll/download is due
    polls            INTEGER NOT NULL DEFAULT 0,
    error_code       TEXT,
    error_message    TEXT,
    attention_reason TEXT,
    retry_of         TEXT REFERENCES jobs(id),
    lease_holder     TEXT,                      -- the process working on it now...
    lease_until      INTEGER                    -- ...until then
);

-- Newest-first history pages (keyset pagination on created_at, id).
CREATE INDEX jobs_by_created ON jobs (created_at DESC, id DESC);
-- The scheduler's question: which unfinished jobs are due?
CREATE INDEX jobs_by_due ON jobs (state, next_action_at);
-- Render-time estimates from similar finished renders.
CREATE INDEX jobs_by_settings ON jobs (quality_tier, resolution, duration, channel, state);

-- Every change, in order, for this process and any other on the same folder.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    origin  TEXT NOT NULL,                      -- the process that made the change
    job_id  TEXT NOT NULL,
    state   TEXT NOT NULL,
    detail  TEXT
);

-- The account's request budget, shared by every process: one row per request sent in
-- the current window, and any 429 pause.
CREATE TABLE budget_requests (at INTEGER NOT NULL);
CREATE INDEX budget_requests_by_at ON budget_requests (at);
CREATE TABLE budget_pause (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    paused_until  INTEGER NOT NULL
);
INSERT INTO budget_pause (id, paused_until) VALUES (1, 0);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
