-- Renders saved before the delivery check are probed once, newest first, by a query run at
-- every start. Without this index, learning that none is left read the row of every
-- finished render (about 10 MB of pages for 10,000 renders) at each start.
CREATE INDEX jobs_to_probe ON jobs (created_at DESC)
WHERE delivery IS NULL AND kind = 'generation' AND state = 'ready' AND video_path IS NOT NULL;
