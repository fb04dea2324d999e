-- The labeling hot path's two functions, held once: Flyway applies this file after the versioned migrations and
-- again whenever it changes, so a change to either function is made here and nowhere else. (V7 and V8 wrote
-- earlier versions out in full; those files stay as they were applied.)
--
-- claim_assignment: the next assignment of a labeler (qualification gate, leases, overlap K) with the batch's
-- instructions, which the labeling page and the API show at no extra query. store_label_and_claim: one label stored
-- and the next assignment claimed in one round trip. A function's result columns cannot change in place, so both
-- are dropped and created again.
-- ---------------------------------------------------------------------------------------------------
DROP FUNCTION IF EXISTS store_label_and_claim(bigint, bigint, varchar, integer, integer, text[], text, double precision);
DROP FUNCTION IF EXISTS claim_assignment(bigint, double precision);

CREATE FUNCTION claim_assignment(p_labeler bigint, p_lease_seconds double precision)
    RETURNS TABLE (assignment_id bigint, mode varchar, ties_allowed boolean, subreddit varchar, title text,
                   body text, candidates text[], lease_expires_at timestamptz, instructions text)
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
               shown_candidates(a.comparison_id, a.display_order), a.lease_expires_at, b.instructions
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

CREATE FUNCTION store_label_and_claim(p_labeler bigint, p_assignment bigint, p_key varchar, p_confidence integer,
                                      p_choice integer, p_flags text[], p_note text, p_lease_seconds double precision)
    RETURNS TABLE (label_id bigint, choice integer, confidence integer,
                   next_assignment_id bigint, next_mode varchar, next_ties_allowed boolean, next_subreddit varchar,
                   next_title text, next_body text, next_candidates text[], next_lease_expires_at timestamptz,
                   next_instructions text)
    LANGUAGE plpgsql SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
    stored record;
BEGIN
    WITH done AS (
        -- completes the assignment under its row lock, re-checking holder, state and lease (a concurrent retry
        -- with the same key waits here and then finds it DONE); comparisons and batches are read, not locked
        UPDATE assignments a SET state = 'DONE', completed_at = now()
        FROM comparisons c, batches b
        WHERE a.id = p_assignment AND a.labeler_id = p_labeler AND a.state = 'ACTIVE' AND a.lease_expires_at > now()
          AND c.id = a.comparison_id AND b.id = c.batch_id
          AND CASE b.mode
                  WHEN 'PAIRWISE' THEN p_choice IS NULL AND p_confidence BETWEEN 1 AND 9
                                       AND (p_confidence <> 5 OR b.ties_allowed)
                  ELSE p_confidence IS NULL AND p_choice BETWEEN 0 AND cardinality(a.display_order) - 1
              END
        RETURNING a.id, a.comparison_id, a.labeler_id, a.assigned_at, a.display_order, b.mode
    ), answer AS (
        SELECT done.*,
               CASE WHEN done.mode = 'PAIRWISE' THEN
                   CASE WHEN done.display_order[1] = 0 THEN p_confidence ELSE 10 - p_confidence END
               END AS canonical_confidence
        FROM done
    )
    INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, confidence, seconds_spent, note, flags,
                        idempotency_key)
    SELECT answer.id, answer.comparison_id, answer.labeler_id,
           CASE WHEN answer.mode = 'PAIRWISE' THEN
                    CASE WHEN answer.canonical_confidence < 5 THEN 0 WHEN answer.canonical_confidence > 5 THEN 1 END
                ELSE answer.display_order[p_choice + 1]
           END,
           answer.canonical_confidence,
           greatest(0, round(extract(epoch FROM now() - answer.assigned_at)))::int, p_note, p_flags, p_key
    FROM answer
    RETURNING id, choice, confidence INTO stored;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    RETURN QUERY
    SELECT stored.id, stored.choice, stored.confidence, n.*
    FROM (SELECT 1) one
    LEFT JOIN LATERAL claim_assignment(p_labeler, p_lease_seconds) n ON true;
END
$$;
