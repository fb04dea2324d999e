-- Import/export of summarize-from-feedback data, batch building and labeler quality control.

-- ---------------------------------------------------------------------------------------------------
-- Splits: summarize-from-feedback comparisons use train, valid1, valid2 (and test in other releases).
-- ---------------------------------------------------------------------------------------------------
ALTER TABLE comparisons DROP CONSTRAINT comparisons_split_ck;
ALTER TABLE comparisons ADD CONSTRAINT comparisons_split_ck
    CHECK (split IN ('train', 'valid', 'valid1', 'valid2', 'test'));

-- ---------------------------------------------------------------------------------------------------
-- Imported data is marked as such: workers of an imported file become disabled labeler accounts
-- (pseudonym = the file's worker id), their choices labels in an imported (CLOSED) batch.
-- ---------------------------------------------------------------------------------------------------
ALTER TABLE users ADD COLUMN imported boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD CONSTRAINT users_imported_disabled_ck CHECK (NOT imported OR NOT enabled);

ALTER TABLE batches ADD COLUMN imported boolean NOT NULL DEFAULT false;

-- source_confidence: the confidence exactly as the imported file gave it (extra.confidence), exported back
-- unchanged; labels.confidence keeps the canonical 1..9 scale of V1 where the file's value fits it.
ALTER TABLE labels ADD COLUMN imported boolean NOT NULL DEFAULT false;
ALTER TABLE labels ADD COLUMN source_confidence integer;
ALTER TABLE labels ADD CONSTRAINT labels_source_confidence_ck CHECK (source_confidence BETWEEN 1 AND 9);

-- Finding an imported summary again (re-imports create no duplicates).
CREATE INDEX summaries_post_policy_text_idx ON summaries (post_id, policy, md5(text));

-- ---------------------------------------------------------------------------------------------------
-- Import jobs: progress while the file is read (bytes) and written (rows), and where a bad file failed.
-- ---------------------------------------------------------------------------------------------------
ALTER TABLE import_jobs ADD COLUMN phase varchar(16) NOT NULL DEFAULT 'QUEUED';
ALTER TABLE import_jobs ADD COLUMN bytes_total bigint NOT NULL DEFAULT 0;
ALTER TABLE import_jobs ADD COLUMN bytes_done bigint NOT NULL DEFAULT 0;
ALTER TABLE import_jobs ADD COLUMN rows_skipped integer NOT NULL DEFAULT 0;
ALTER TABLE import_jobs ADD COLUMN error_line bigint;
ALTER TABLE import_jobs ADD COLUMN error_field varchar(64);
ALTER TABLE import_jobs ADD CONSTRAINT import_jobs_phase_ck
    CHECK (phase IN ('QUEUED', 'VALIDATING', 'WRITING', 'DONE', 'FAILED'));

-- ---------------------------------------------------------------------------------------------------
-- Qualification: a named set of gold comparisons with a pass mark. While a test is active, a labeler
-- without a passing result for it gets no real work.
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE qualification_tests (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        varchar(128)  NOT NULL,
    pass_mark   numeric(5, 4) NOT NULL,
    active      boolean       NOT NULL DEFAULT true,
    created_at  timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT qualification_tests_name_uq UNIQUE (name),
    CONSTRAINT qualification_tests_pass_mark_ck CHECK (pass_mark > 0 AND pass_mark <= 1)
);

CREATE TABLE qualification_test_items (
    test_id        bigint NOT NULL REFERENCES qualification_tests (id) ON DELETE CASCADE,
    comparison_id  bigint NOT NULL REFERENCES gold_answers (comparison_id),
    PRIMARY KEY (test_id, comparison_id)
);
