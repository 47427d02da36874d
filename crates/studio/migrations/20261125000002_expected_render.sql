-- How long the render was expected to take when it was accepted (from similar past renders),
-- so the poll planner can tell jobs that could be done by now from those that cannot.
ALTER TABLE jobs ADD COLUMN expected_ms INTEGER;
