-- Tags on renders: a person's own words, one row per render and tag. They compare
-- without regard to case and go with their render when it is deleted.
CREATE TABLE tags (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    tag TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (job_id, tag)
);
CREATE INDEX tags_by_tag ON tags (tag, job_id);
