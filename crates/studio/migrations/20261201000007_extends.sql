-- Extend: a render that continues another one says which (and from what: the clip or its
-- last frame), so the detail can link the two both ways. The `prompt` column keeps what the
-- person wrote; the words the service needs to continue a clip are only in the request body.
ALTER TABLE jobs ADD COLUMN extends_id TEXT;
ALTER TABLE jobs ADD COLUMN extends_from TEXT;   -- 'clip' or 'frame'
CREATE INDEX jobs_by_extends ON jobs (extends_id) WHERE extends_id IS NOT NULL;
