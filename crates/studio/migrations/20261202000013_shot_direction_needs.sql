-- A shot directed in the composer keeps its director's fields (JSON; the prompt is what is
-- sent), and a shot that cannot be sent says what it needs (JSON: code, source job, words)
-- until it is sent or changed.
ALTER TABLE shots ADD COLUMN direction TEXT;
ALTER TABLE shots ADD COLUMN needs TEXT;
