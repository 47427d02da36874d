-- The cut: each shot's edit decisions (JSON: in and out points in seconds within its
-- selected take, the transition into the next shot and its length). Changed only by the
-- trim and transition verbs, so editing a shot's prompt keeps them.
ALTER TABLE shots ADD COLUMN edit TEXT NOT NULL DEFAULT '{}';
