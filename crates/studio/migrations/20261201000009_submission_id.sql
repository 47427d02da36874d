-- The front end's id for one act of submitting (the composer mints it): the same id sent
-- again (a page reloaded mid-submit, a double click) finds the job it made instead of making
-- and paying for a second.
ALTER TABLE jobs ADD COLUMN submission_id TEXT;
CREATE UNIQUE INDEX jobs_by_submission ON jobs (submission_id) WHERE submission_id IS NOT NULL;
