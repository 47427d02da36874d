-- What was charged and refunded, as a ledger keyed by the service's task id. It is not a
-- sum over the job rows: deleting a render (its row and files) leaves what it cost on the
-- record, and an import brings the entries of its renders without counting a task twice.
-- Triggers keep it in step with every writer of `jobs` (the engine in any process, an
-- import), so no code path can forget it.
CREATE TABLE credit_ledger (
    task_id   TEXT PRIMARY KEY,
    job_id    TEXT NOT NULL,          -- the render it was for (it may since have been deleted)
    at        INTEGER NOT NULL,       -- ms since the epoch: when the job was created
    used      INTEGER NOT NULL DEFAULT 0,
    refunded  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX credit_ledger_by_at ON credit_ledger (at);

INSERT OR IGNORE INTO credit_ledger (task_id, job_id, at, used, refunded)
    SELECT task_id, id, created_at, COALESCE(credits_used, 0), COALESCE(credits_refunded, 0)
    FROM jobs WHERE task_id IS NOT NULL;

-- An entry only grows: a later answer about the same task (a refund, a replay) raises it,
-- a second row naming the same task (an import) never adds to it.
CREATE TRIGGER jobs_ledger_insert AFTER INSERT ON jobs WHEN new.task_id IS NOT NULL BEGIN
    INSERT INTO credit_ledger (task_id, job_id, at, used, refunded)
        VALUES (new.task_id, new.id, new.created_at, COALESCE(new.credits_used, 0), COALESCE(new.credits_refunded, 0))
        ON CONFLICT (task_id) DO UPDATE SET
            used = MAX(used, excluded.used),
            refunded = MAX(refunded, excluded.refunded);
END;
CREATE TRIGGER jobs_ledger_update AFTER UPDATE OF task_id, credits_used, credits_refunded ON jobs
    WHEN new.task_id IS NOT NULL BEGIN
    INSERT INTO credit_ledger (task_id, job_id, at, used, refunded)
        VALUES (new.task_id, new.id, new.created_at, COALESCE(new.credits_used, 0), COALESCE(new.credits_refunded, 0))
        ON CONFLICT (task_id) DO UPDATE SET
            used = MAX(used, excluded.used),
            refunded = MAX(refunded, excluded.refunded);
END;
