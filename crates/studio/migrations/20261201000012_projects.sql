-- Projects: a storyboard of shots, each rendered as takes (jobs), within a credit budget.
-- A take names its job without a foreign key: deleting a render from the Library leaves
-- what it cost on the project's record (the credit ledger keeps it by job id).
CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    notes       TEXT NOT NULL DEFAULT '',
    budget      INTEGER,                      -- credits; NULL: no ceiling of its own
    defaults    TEXT NOT NULL DEFAULT '{}',   -- JSON: tier, channel, aspect, resolution, duration, audio
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    -- The render asked for: takes per shot (0: never rendered), the canary (shot 1 alone)
    -- or every shot, paid attempts per take, and takes in flight at once (NULL: as many
    -- as the request budget allows). Stopped: nothing more is sent until rendered again.
    render_takes         INTEGER NOT NULL DEFAULT 0,
    render_scope         TEXT NOT NULL DEFAULT 'all' CHECK (render_scope IN ('canary', 'all')),
    render_max_attempts  INTEGER NOT NULL DEFAULT 2,
    render_concurrency   INTEGER,
    stopped              INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE shots (
    id            TEXT PRIMARY KEY,
    project_id    TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,           -- 1 for the first
    title         TEXT NOT NULL DEFAULT '',
    prompt        TEXT NOT NULL,
    chain         TEXT NOT NULL DEFAULT 'none' CHECK (chain IN ('none', 'last-frame', 'clip')),
    settings      TEXT NOT NULL DEFAULT '{}', -- JSON: where the shot differs from the project
    seed          INTEGER,
    image         TEXT,
    end_image     TEXT,
    media         TEXT NOT NULL DEFAULT '[]', -- JSON array of URLs
    selected_job  TEXT                        -- the take a person picked (else the first ready)
);
CREATE INDEX shots_by_project ON shots (project_id, position);

CREATE TABLE takes (
    job_id      TEXT PRIMARY KEY,
    shot_id     TEXT NOT NULL REFERENCES shots (id) ON DELETE CASCADE,
    project_id  TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    -- Which take of the shot (1..N) and which paid attempt at it; the previous shot's take
    -- it was chained from (a take made from another is stale once the selection changes).
    slot        INTEGER NOT NULL,
    attempt     INTEGER NOT NULL,
    source_job  TEXT,
    -- Held against the project's budget until the service says what it charged.
    estimated_credits INTEGER NOT NULL DEFAULT 0,
    rating      INTEGER CHECK (rating BETWEEN 1 AND 5),
    rejected    INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX takes_by_shot ON takes (shot_id);
CREATE INDEX takes_by_project ON takes (project_id);
