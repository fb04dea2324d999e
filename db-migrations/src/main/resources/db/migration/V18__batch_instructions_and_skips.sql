-- Labelers' skips, per-batch instructions, and the admin's review of flagged and noted labels. The labeling
-- functions that answer the instructions are in R__labeling_functions.sql.

-- ---------------------------------------------------------------------------------------------------
-- Instructions: optional plain text shown to labelers above every comparison of the batch (line breaks kept).
-- ---------------------------------------------------------------------------------------------------
ALTER TABLE batches ADD COLUMN instructions text;
ALTER TABLE batches ADD CONSTRAINT batches_instructions_ck CHECK (char_length(instructions) <= 4000);

-- ---------------------------------------------------------------------------------------------------
-- Skips: a labeler hands an assignment back with a reason. The assignment ends (EXPIRED, as a lapsed lease does)
-- and its slot goes back to the pool for another labeler; the labeler who skipped never gets the comparison again
-- (one assignment per comparison and labeler, V1). One skip per assignment, so a retried skip stores nothing new.
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE skips (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assignment_id  bigint      NOT NULL,
    comparison_id  bigint      NOT NULL,
    labeler_id     bigint      NOT NULL,
    batch_id       bigint      NOT NULL REFERENCES batches (id),
    reason         varchar(32) NOT NULL,
    text           text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT skips_assignment_fk FOREIGN KEY (assignment_id, comparison_id, labeler_id)
        REFERENCES assignments (id, comparison_id, labeler_id),
    CONSTRAINT skips_assignment_uq UNIQUE (assignment_id),
    CONSTRAINT skips_reason_ck CHECK (reason::text = ANY ('{cannot_judge,broken_output,offensive,other}'::text[])),
    CONSTRAINT skips_text_ck CHECK (char_length(text) <= 2000)
);
CREATE INDEX skips_batch_created_idx ON skips (batch_id, created_at);
CREATE INDEX skips_labeler_created_idx ON skips (labeler_id, created_at);
CREATE INDEX skips_comparison_idx ON skips (comparison_id);

-- ---------------------------------------------------------------------------------------------------
-- The review page lists labels with flags or a note, newest first: only those are in this index.
-- ---------------------------------------------------------------------------------------------------
CREATE INDEX labels_reviewable_created_idx ON labels (created_at DESC, id DESC)
    WHERE note IS NOT NULL OR flags <> '{}'::text[];
