-- Objects uploaded to the user's storage for a job's references, so they can be deleted
-- once the render has finished (unless the user keeps uploads).
CREATE TABLE job_uploads (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    key    TEXT NOT NULL,
    PRIMARY KEY (job_id, key)
);
CREATE INDEX job_uploads_key ON job_uploads(key);
