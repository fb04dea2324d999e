-- Qualification could be brute-forced: attempts were unlimited, each showed "n of m right", and the items were gold
-- comparisons that also scored labelers (copied into batches as gold, counted in gold agreement), so a dozen attempts
-- revealed every gold answer. Now:
--   * a test limits attempts (max_attempts, set by the admin) and makes a labeler wait cool_down_minutes after each
--     submitted attempt before the next one (attempts are V11's qualification_attempts);
--   * the labeler sees only passed / not passed (the score and per-item details stay in qualification_results);
--   * qualification items are gold of their own: gold_answers.qualification marks them; such gold is never copied
--     into a batch and never counts for gold agreement, and a test cannot be made of gold that already scored
--     labelers (the same post and summaries labelled by labelers, or also gold elsewhere), nor can gold be added
--     for the post and summaries of a qualification item.
ALTER TABLE qualification_tests
    ADD COLUMN max_attempts integer NOT NULL DEFAULT 3,
    ADD COLUMN cool_down_minutes integer NOT NULL DEFAULT 1440,
    ADD CONSTRAINT qualification_tests_max_attempts_ck CHECK (max_attempts BETWEEN 1 AND 100),
    ADD CONSTRAINT qualification_tests_cool_down_ck CHECK (cool_down_minutes BETWEEN 0 AND 525600);

ALTER TABLE gold_answers ADD COLUMN qualification boolean NOT NULL DEFAULT false;
-- the items of existing tests are qualification gold from now on (they stop scoring labelers)
UPDATE gold_answers SET qualification = true
WHERE comparison_id IN (SELECT comparison_id FROM qualification_test_items);

-- What a labeler sees of a comparison, whatever its batch and canonical order: the post and its summaries (by id).
-- Two comparisons with the same content are the same question.
CREATE FUNCTION comparison_content(p_comparison bigint) RETURNS bigint[]
    LANGUAGE sql STABLE AS $$
    SELECT c.post_id || array_agg(cs.summary_id ORDER BY cs.summary_id)
    FROM comparisons c JOIN comparison_summaries cs ON cs.comparison_id = c.id
    WHERE c.id = p_comparison
    GROUP BY c.post_id
$$;
