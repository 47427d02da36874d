-- The composer's draft, saved as it changes: it lives outside the web view, so it survives
-- the view being reloaded and the app being quit and started again. One row per slot.
CREATE TABLE composer_drafts (
    slot        TEXT PRIMARY KEY,
    body        TEXT NOT NULL,      -- the draft as JSON (an object)
    updated_at  INTEGER NOT NULL
);
