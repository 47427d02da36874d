-- The library: checksums of saved outputs, favourites, previews and prompt search.

ALTER TABLE jobs ADD COLUMN video_sha256 TEXT;
ALTER TABLE jobs ADD COLUMN frame_sha256 TEXT;
ALTER TABLE jobs ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0;

-- Filters of the library grid; each still pages newest-first on (created_at, id).
CREATE INDEX jobs_by_state_created ON jobs (state, created_at DESC, id DESC);
CREATE INDEX jobs_by_tier_created ON jobs (quality_tier, created_at DESC, id DESC);
CREATE INDEX jobs_by_mode_created ON jobs (mode, created_at DESC, id DESC);
-- Partial: favourites are few, so this index stays tiny.
CREATE INDEX jobs_favourites ON jobs (created_at DESC, id DESC) WHERE favourite = 1;

-- Previews in their own table, so history rows stay small and the grid never touches the
-- video files.
CREATE TABLE thumbnails (
    job_id  TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    width   INTEGER NOT NULL,
    height  INTEGER NOT NULL,
    jpeg    BLOB NOT NULL
);

-- Full-text search over prompts. The trigram tokenizer finds any substring of three or
-- more characters, which is what Japanese (no spaces between words) needs; shorter queries
-- fall back to LIKE. An external-content table: the text lives only in jobs.
CREATE VIRTUAL TABLE prompts_fts USING fts5(prompt, content='jobs', content_rowid='rowid', tokenize='trigram');
INSERT INTO prompts_fts (rowid, prompt) SELECT rowid, prompt FROM jobs;
CREATE TRIGGER jobs_fts_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO prompts_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
END;
CREATE TRIGGER jobs_fts_delete AFTER DELETE ON jobs BEGIN
    INSERT INTO prompts_fts (prompts_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
END;
CREATE TRIGGER jobs_fts_update AFTER UPDATE OF prompt ON jobs BEGIN
    INSERT INTO prompts_fts (prompts_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
    INSERT INTO prompts_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
END;
