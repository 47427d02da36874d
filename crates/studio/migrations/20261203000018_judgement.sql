-- A person's judgement of a render, kept with the render: 1 to 5 stars, and rejected or
-- not. Culling in the Library, a shot's takes and the compare view all set it. A take's
-- own columns follow the render's (the trigger), so the project's plan reads them as
-- before; the render's are the ones written.
ALTER TABLE jobs ADD COLUMN rating INTEGER CHECK (rating BETWEEN 1 AND 5);
ALTER TABLE jobs ADD COLUMN rejected INTEGER NOT NULL DEFAULT 0;
UPDATE jobs
SET rating = (SELECT t.rating FROM takes t WHERE t.job_id = jobs.id),
    rejected = (SELECT t.rejected FROM takes t WHERE t.job_id = jobs.id)
WHERE id IN (SELECT job_id FROM takes);
CREATE TRIGGER jobs_judgement_to_takes AFTER UPDATE OF rating, rejected ON jobs
BEGIN
    UPDATE takes SET rating = NEW.rating, rejected = NEW.rejected WHERE job_id = NEW.id;
END;
