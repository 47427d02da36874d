-- The cut: each shot's edit decisions (JSON: in and out points in seconds within its
-- selected take, the transition into the next shot and its length). Changed only by the
-- trim and transition verbs, so editing a shot's prompt keeps them.
ALTER TABLE shots ADD COLUMN edit TEXT NOT NULL DEFAULT '{}';
-- An assembled cut is a render of its project in the Library: kind 'cut' (a generation is
-- 'generation'), with the project it was made from. It was never sent anywhere.
ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'generation' CHECK (kind IN ('generation', 'cut'));
ALTER TABLE jobs ADD COLUMN project_id TEXT;
