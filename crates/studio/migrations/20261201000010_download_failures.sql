-- Failed download attempts in a row: after a few, a person is asked (the job is never left
-- retrying for ever against a host that keeps failing).
ALTER TABLE jobs ADD COLUMN download_failures INTEGER NOT NULL DEFAULT 0;
