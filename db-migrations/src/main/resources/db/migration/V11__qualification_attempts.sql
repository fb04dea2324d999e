-- Qualification attempts. The test page showed its items in the canonical order (summary 0 always as "A"), so a
-- labeler learnt the hidden order. Now each attempt draws its own order: the items are shuffled and each item's two
-- summaries are put on random sides. The attempt records what was shown, the labeler answers in screen terms (answer
-- i belongs to the item shown at place i), and the answers are turned back into canonical terms through it.
-- Reloading the page shows the open attempt again; a labeler has at most one open attempt per test.
CREATE TABLE qualification_attempts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    test_id         bigint      NOT NULL REFERENCES qualification_tests (id) ON DELETE CASCADE,
    user_id         bigint      NOT NULL REFERENCES users (id),
    -- comparison_ids[i] is the item shown at place i - 1; swapped[i]: its summary 1 is on the left ("A")
    comparison_ids  bigint[]    NOT NULL,
    swapped         boolean[]   NOT NULL,
    started_at      timestamptz NOT NULL DEFAULT now(),
    submitted_at    timestamptz,
    CONSTRAINT qualification_attempts_shape_ck CHECK (cardinality(comparison_ids) = cardinality(swapped))
);
CREATE UNIQUE INDEX qualification_attempts_one_open_uq ON qualification_attempts (user_id, test_id)
    WHERE submitted_at IS NULL;
