-- The qualification gate moves into the claim itself. While a qualification test is active, a labeler without a
-- passing result for it gets no real work (V2). The application checked that only where a labeler asks for work
-- (the labeling page and POST /api/labeling/next), so a labeler already at work when a test was activated went on
-- being handed assignments by every answer (labels-and-next and the answer form claim the next assignment in the
-- same statement). Now every claim checks it: the answer is stored, no next assignment comes with it, and the
-- labeler's next request for work is sent to the test, which names it. Otherwise claim_assignment is V7's.

CREATE OR REPLACE FUNCTION claim_assignment(p_labeler bigint, p_lease_seconds double precision)
    RETURNS TABLE (assignment_id bigint, mode varchar, ties_allowed boolean, subreddit varchar, title text,
                   body text, candidates text[], lease_expires_at timestamptz)
    LANGUAGE plpgsql SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
    open_batch bigint;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM users u WHERE u.id = p_labeler AND u.enabled AND NOT u.paused) THEN
        RETURN;
    END IF;
    -- the newest active qualification test, when the labeler has no passing result for it, keeps real work away
    IF EXISTS (SELECT 1 FROM qualification_tests t
               WHERE t.id = (SELECT max(q.id) FROM qualification_tests q WHERE q.active)
                 AND NOT EXISTS (SELECT 1 FROM qualification_results r
                                 WHERE r.user_id = p_labeler AND r.test_name = t.name AND r.passed)) THEN
        RETURN;
    END IF;
    FOR open_batch IN SELECT b.id FROM batches b WHERE b.state = 'OPEN' ORDER BY b.priority DESC, b.id LOOP
        RETURN QUERY
        WITH candidate AS (
            SELECT c.id, c.candidate_count
            FROM comparisons c
            WHERE c.batch_id = ANY(ARRAY[open_batch]) AND c.open_slots > 0
              -- OFFSET 0 keeps this a per-candidate lookup in assignments_comparison_labeler_uq rather than an
              -- anti join that reads all of the labeler's assignments (or the whole table) for each claim
              AND NOT EXISTS (SELECT 1 FROM assignments x WHERE x.comparison_id = c.id AND x.labeler_id = p_labeler
                              OFFSET 0)
              AND EXISTS (SELECT 1 FROM batches ob WHERE ob.id = open_batch AND ob.state = 'OPEN')
            -- (batch_id, id) is the order of comparisons_claimable_idx (batch_id, id) WHERE open_slots > 0, so the
            -- scan starts at the batch's first comparison with a free slot; batch_id = ANY(array) keeps the
            -- planner from dropping batch_id from that order and filtering every filled comparison out of the
            -- primary key's order instead (needs PostgreSQL 17 or later for the ordered scan)
            ORDER BY c.batch_id, c.id
            LIMIT 1
            FOR NO KEY UPDATE OF c SKIP LOCKED
        ), taken AS (
            UPDATE comparisons c SET open_slots = c.open_slots - 1
            FROM candidate WHERE c.id = candidate.id
            RETURNING c.id, c.candidate_count, c.post_id, c.batch_id
        ), a AS (
            INSERT INTO assignments (comparison_id, labeler_id, display_order, lease_expires_at)
            SELECT taken.id, p_labeler,
                   ARRAY(SELECT g FROM generate_series(0, taken.candidate_count - 1) g ORDER BY random()),
                   now() + make_interval(secs => p_lease_seconds)
            FROM taken
            RETURNING id, comparison_id, display_order, lease_expires_at
        )
        SELECT a.id, b.mode, b.ties_allowed, p.subreddit, p.title, p.body,
               shown_candidates(a.comparison_id, a.display_order), a.lease_expires_at
        FROM a
        JOIN taken ON taken.id = a.comparison_id
        JOIN batches b ON b.id = taken.batch_id
        JOIN posts p ON p.id = taken.post_id;
        IF FOUND THEN
            RETURN;
        END IF;
    END LOOP;
END
$$;
