-- The delivery check: what a render's downloaded video holds and where it differs from
-- its request (JSON), and how many problems that is, for the Library's filter. NULL until
-- the video has been probed.
ALTER TABLE jobs ADD COLUMN delivery TEXT;
ALTER TABLE jobs ADD COLUMN delivery_mismatches INTEGER;
CREATE INDEX jobs_delivery_mismatches ON jobs (delivery_mismatches) WHERE delivery_mismatches > 0;
