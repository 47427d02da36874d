-- Why a job waits for a person, as a code with its values (JSON), so every front end can
-- say it in its own language; attention_reason keeps the English words.
ALTER TABLE jobs ADD COLUMN attention TEXT;
