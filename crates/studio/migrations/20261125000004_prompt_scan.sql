-- Searches shorter than three characters (common in Japanese) cannot use the trigram
-- index and scan prompts instead: this covering index keeps that scan to the prompt text
-- in newest-first order, without reading whole history rows.
CREATE INDEX jobs_prompt_scan ON jobs (created_at DESC, id DESC, prompt);
