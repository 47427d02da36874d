-- Every task answer the service sent about a job (the submission's 202 and each poll's
-- 200), exactly as received, with when: the record an evidence pack shows support. Kept
-- with the job and gone with it.
CREATE TABLE task_answers (
    id INTEGER PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    route TEXT NOT NULL CHECK (route IN ('submit', 'poll')),
    answer TEXT NOT NULL
);
CREATE INDEX task_answers_by_job ON task_answers (job_id, id);
