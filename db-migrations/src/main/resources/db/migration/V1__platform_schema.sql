-- The platform's schema: labeling (users, posts, summaries, batches, comparisons, assignments, labels),
-- quality control (gold answers, qualification results), training data (label snapshots) and the run
-- queue with its model registry, metrics and samples. JPA only validates this schema; it never changes it.

-- ---------------------------------------------------------------------------------------------------
-- People
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE users (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username       varchar(64)  NOT NULL,
    password_hash  varchar(100) NOT NULL,
    role           varchar(16)  NOT NULL,
    pseudonym      varchar(64)  NOT NULL,
    enabled        boolean      NOT NULL DEFAULT true,
    paused         boolean      NOT NULL DEFAULT false,
    created_at     timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT users_username_uq UNIQUE (username),
    CONSTRAINT users_pseudonym_uq UNIQUE (pseudonym),
    CONSTRAINT users_role_ck CHECK (role IN ('LABELER', 'RESEARCHER', 'ADMIN')),
    CONSTRAINT users_username_ck CHECK (length(trim(username)) > 0)
);

-- ---------------------------------------------------------------------------------------------------
-- Content: posts and candidate summaries
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE posts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id   varchar(128) NOT NULL,
    subreddit   varchar(128) NOT NULL,
    title       text         NOT NULL,
    body        text         NOT NULL,
    created_at  timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT posts_source_id_uq UNIQUE (source_id)
);

CREATE TABLE summaries (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id       bigint       NOT NULL REFERENCES posts (id),
    text          text         NOT NULL,
    policy        varchar(128) NOT NULL,
    is_reference  boolean      NOT NULL DEFAULT false,
    source_note   text,
    created_at    timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX summaries_post_idx ON summaries (post_id);

-- ---------------------------------------------------------------------------------------------------
-- Batches and comparisons
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE batches (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           varchar(128)  NOT NULL,
    mode           varchar(16)   NOT NULL,
    overlap_k      integer       NOT NULL,
    ties_allowed   boolean       NOT NULL DEFAULT false,
    gold_rate      numeric(4, 3) NOT NULL DEFAULT 0,
    priority       integer       NOT NULL DEFAULT 0,
    state          varchar(16)   NOT NULL DEFAULT 'DRAFT',
    created_by     bigint        REFERENCES users (id),
    created_at     timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT batches_name_uq UNIQUE (name),
    CONSTRAINT batches_mode_ck CHECK (mode IN ('PAIRWISE', 'BEST_OF_4')),
    CONSTRAINT batches_overlap_k_ck CHECK (overlap_k >= 1),
    CONSTRAINT batches_ties_ck CHECK (NOT ties_allowed OR mode = 'PAIRWISE'),
    CONSTRAINT batches_gold_rate_ck CHECK (gold_rate >= 0 AND gold_rate <= 1),
    CONSTRAINT batches_state_ck CHECK (state IN ('DRAFT', 'OPEN', 'PAUSED', 'CLOSED'))
);

-- A comparison shows one post with 2 (pairwise) or 4 (best-of-4) summaries in a canonical order:
-- comparison_summaries.position 0..n-1. Labels refer to that canonical order, never to screen sides.
-- open_slots counts how many more assignments the comparison may hand out (overlap K minus active and
-- answered assignments); claiming decrements it under a row lock, lease expiry gives the slot back.
CREATE TABLE comparisons (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    post_id          bigint      NOT NULL REFERENCES posts (id),
    batch_id         bigint      REFERENCES batches (id),
    candidate_count  integer     NOT NULL,
    split            varchar(16) NOT NULL DEFAULT 'train',
    is_gold          boolean     NOT NULL DEFAULT false,
    source_id        varchar(128),
    open_slots       integer     NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT comparisons_source_id_uq UNIQUE (source_id),
    CONSTRAINT comparisons_candidate_count_ck CHECK (candidate_count IN (2, 4)),
    CONSTRAINT comparisons_split_ck CHECK (split IN ('train', 'valid', 'test')),
    CONSTRAINT comparisons_open_slots_ck CHECK (open_slots >= 0)
);
CREATE INDEX comparisons_batch_idx ON comparisons (batch_id);
CREATE INDEX comparisons_post_idx ON comparisons (post_id);
-- Claiming work: only comparisons with a free slot, in id order within a batch.
CREATE INDEX comparisons_claimable_idx ON comparisons (batch_id, id) WHERE open_slots > 0;

CREATE TABLE comparison_summaries (
    comparison_id  bigint  NOT NULL REFERENCES comparisons (id) ON DELETE CASCADE,
    position       integer NOT NULL,
    summary_id     bigint  NOT NULL REFERENCES summaries (id),
    PRIMARY KEY (comparison_id, position),
    CONSTRAINT comparison_summaries_summary_uq UNIQUE (comparison_id, summary_id),
    CONSTRAINT comparison_summaries_position_ck CHECK (position BETWEEN 0 AND 3)
);

-- ---------------------------------------------------------------------------------------------------
-- Work: assignments and labels
-- ---------------------------------------------------------------------------------------------------
-- display_order[i] (1-based SQL array) is the canonical position of the summary shown at screen
-- position i-1 (left to right), a random permutation drawn per assignment.
CREATE TABLE assignments (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    comparison_id     bigint      NOT NULL REFERENCES comparisons (id),
    labeler_id        bigint      NOT NULL REFERENCES users (id),
    display_order     integer[]   NOT NULL,
    state             varchar(16) NOT NULL DEFAULT 'ACTIVE',
    assigned_at       timestamptz NOT NULL DEFAULT now(),
    lease_expires_at  timestamptz NOT NULL,
    completed_at      timestamptz,
    CONSTRAINT assignments_comparison_labeler_uq UNIQUE (comparison_id, labeler_id),
    CONSTRAINT assignments_identity_uq UNIQUE (id, comparison_id, labeler_id),
    CONSTRAINT assignments_state_ck CHECK (state IN ('ACTIVE', 'DONE', 'EXPIRED')),
    CONSTRAINT assignments_display_order_ck CHECK (cardinality(display_order) IN (2, 4)),
    CONSTRAINT assignments_done_ck CHECK ((state = 'DONE') = (completed_at IS NOT NULL))
);
-- A labeler holds at most one active assignment (their current one, found again on reload); the sweep
-- of expired leases scans the second index.
CREATE UNIQUE INDEX assignments_one_active_per_labeler_uq ON assignments (labeler_id) WHERE state = 'ACTIVE';
CREATE INDEX assignments_active_lease_idx ON assignments (lease_expires_at) WHERE state = 'ACTIVE';

-- choice: index of the preferred summary in the comparison's canonical order (NULL = tie).
-- confidence (pairwise only): 1 = summary 0 definitely better ... 5 = tie ... 9 = summary 1 definitely better.
-- comparison_id and labeler_id are checked through the composite key of the assignment (whose own foreign
-- keys check them again), so inserting a label does not lock the busy comparison row a second time.
CREATE TABLE labels (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assignment_id    bigint      NOT NULL,
    comparison_id    bigint      NOT NULL,
    labeler_id       bigint      NOT NULL,
    choice           integer,
    confidence       integer,
    seconds_spent    integer     NOT NULL,
    note             text,
    flags            text[]      NOT NULL DEFAULT '{}',
    idempotency_key  varchar(64) NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT labels_assignment_fk FOREIGN KEY (assignment_id, comparison_id, labeler_id)
        REFERENCES assignments (id, comparison_id, labeler_id),
    CONSTRAINT labels_assignment_uq UNIQUE (assignment_id),
    CONSTRAINT labels_comparison_labeler_uq UNIQUE (comparison_id, labeler_id),
    CONSTRAINT labels_idempotency_key_uq UNIQUE (idempotency_key),
    CONSTRAINT labels_choice_ck CHECK (choice BETWEEN 0 AND 3),
    CONSTRAINT labels_confidence_ck CHECK (confidence BETWEEN 1 AND 9),
    CONSTRAINT labels_choice_confidence_ck CHECK (
        (confidence IS NULL AND choice IS NOT NULL)
        OR (confidence < 5 AND choice = 0)
        OR (confidence = 5 AND choice IS NULL)
        OR (confidence > 5 AND choice = 1)),
    CONSTRAINT labels_seconds_ck CHECK (seconds_spent >= 0),
    CONSTRAINT labels_flags_ck CHECK (flags <@ ARRAY['unsuitable', 'offensive', 'low_quality', 'duplicate', 'other']::text[]),
    CONSTRAINT labels_idempotency_key_ck CHECK (length(idempotency_key) >= 8)
);
-- A labeler's stats (today's count, median time): by labeler, newest first.
CREATE INDEX labels_labeler_created_idx ON labels (labeler_id, created_at);

-- ---------------------------------------------------------------------------------------------------
-- Quality control
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE gold_answers (
    comparison_id  bigint      PRIMARY KEY REFERENCES comparisons (id),
    choice         integer,
    confidence     integer,
    rationale      text,
    created_by     bigint      REFERENCES users (id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT gold_answers_choice_ck CHECK (choice BETWEEN 0 AND 3),
    CONSTRAINT gold_answers_confidence_ck CHECK (confidence BETWEEN 1 AND 9),
    CONSTRAINT gold_answers_choice_confidence_ck CHECK (
        (confidence IS NULL AND choice IS NOT NULL)
        OR (confidence < 5 AND choice = 0)
        OR (confidence = 5 AND choice IS NULL)
        OR (confidence > 5 AND choice = 1))
);

CREATE TABLE qualification_results (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint        NOT NULL REFERENCES users (id),
    test_name    varchar(128)  NOT NULL,
    score        numeric(5, 4) NOT NULL,
    passed       boolean       NOT NULL,
    details      jsonb,
    taken_at     timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT qualification_results_score_ck CHECK (score >= 0 AND score <= 1)
);
CREATE INDEX qualification_results_user_idx ON qualification_results (user_id, taken_at);

-- ---------------------------------------------------------------------------------------------------
-- Training data: frozen label snapshots
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE label_snapshots (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         varchar(128) NOT NULL,
    description  text,
    filter       jsonb,
    label_count  integer      NOT NULL DEFAULT 0,
    created_by   bigint       REFERENCES users (id),
    created_at   timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT label_snapshots_name_uq UNIQUE (name),
    CONSTRAINT label_snapshots_label_count_ck CHECK (label_count >= 0)
);

CREATE TABLE label_snapshot_labels (
    snapshot_id  bigint NOT NULL REFERENCES label_snapshots (id) ON DELETE CASCADE,
    label_id     bigint NOT NULL REFERENCES labels (id),
    PRIMARY KEY (snapshot_id, label_id)
);
CREATE INDEX label_snapshot_labels_label_idx ON label_snapshot_labels (label_id);

-- ---------------------------------------------------------------------------------------------------
-- Runs (the work queue) and the model registry
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE models (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name             varchar(128) NOT NULL,
    kind             varchar(32)  NOT NULL,
    path             text         NOT NULL,
    parent_model_id  bigint       REFERENCES models (id),
    run_id           bigint,
    snapshot_id      bigint       REFERENCES label_snapshots (id),
    metrics          jsonb,
    card             text,
    created_at       timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT models_name_uq UNIQUE (name),
    CONSTRAINT models_kind_ck CHECK (kind IN ('BASE', 'SFT', 'REWARD_MODEL', 'POLICY', 'VALUE'))
);

CREATE TABLE runs (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              varchar(128) NOT NULL,
    kind              varchar(32)  NOT NULL,
    state             varchar(16)  NOT NULL DEFAULT 'QUEUED',
    config            jsonb        NOT NULL DEFAULT '{}',
    base_model_id     bigint       REFERENCES models (id),
    snapshot_id       bigint       REFERENCES label_snapshots (id),
    output_model_id   bigint       REFERENCES models (id),
    created_by        bigint       REFERENCES users (id),
    worker_id         varchar(128),
    heartbeat_at      timestamptz,
    lease_expires_at  timestamptz,
    attempts          integer      NOT NULL DEFAULT 0,
    max_attempts      integer      NOT NULL DEFAULT 3,
    error             text,
    log               text,
    checkpoint_path   text,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    CONSTRAINT runs_kind_ck CHECK (kind IN ('SFT', 'REWARD_MODEL', 'PPO', 'SAMPLE', 'EVALUATION')),
    CONSTRAINT runs_state_ck CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    CONSTRAINT runs_attempts_ck CHECK (attempts >= 0 AND max_attempts >= 1),
    CONSTRAINT runs_running_ck CHECK (state <> 'RUNNING' OR (worker_id IS NOT NULL AND lease_expires_at IS NOT NULL))
);
-- Claiming a queued run (oldest first) and finding running runs whose lease has expired.
CREATE INDEX runs_queued_idx ON runs (created_at) WHERE state = 'QUEUED';
CREATE INDEX runs_running_lease_idx ON runs (lease_expires_at) WHERE state = 'RUNNING';

ALTER TABLE models ADD CONSTRAINT models_run_fk FOREIGN KEY (run_id) REFERENCES runs (id);

CREATE TABLE run_metrics (
    run_id  bigint           NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step    bigint           NOT NULL,
    name    varchar(64)      NOT NULL,
    value   double precision NOT NULL,
    logged_at timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (run_id, name, step),
    CONSTRAINT run_metrics_step_ck CHECK (step >= 0)
);
-- A run's metrics in step order (live charts).
CREATE INDEX run_metrics_run_step_idx ON run_metrics (run_id, step);

CREATE TABLE run_samples (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      bigint           NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    step        bigint           NOT NULL,
    post_id     bigint           REFERENCES posts (id),
    prompt      text             NOT NULL,
    completion  text             NOT NULL,
    reward      double precision,
    kl          double precision,
    created_at  timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX run_samples_run_step_idx ON run_samples (run_id, step);

-- ---------------------------------------------------------------------------------------------------
-- Imports (TL;DR posts, summarize-from-feedback comparisons)
-- ---------------------------------------------------------------------------------------------------
CREATE TABLE import_jobs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           varchar(32)  NOT NULL,
    filename       text         NOT NULL,
    state          varchar(16)  NOT NULL DEFAULT 'QUEUED',
    batch_id       bigint       REFERENCES batches (id),
    rows_total     integer      NOT NULL DEFAULT 0,
    rows_imported  integer      NOT NULL DEFAULT 0,
    rows_rejected  integer      NOT NULL DEFAULT 0,
    error          text,
    created_by     bigint       REFERENCES users (id),
    created_at     timestamptz  NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    CONSTRAINT import_jobs_kind_ck CHECK (kind IN ('POSTS', 'COMPARISONS')),
    CONSTRAINT import_jobs_state_ck CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED')),
    CONSTRAINT import_jobs_rows_ck CHECK (rows_total >= 0 AND rows_imported >= 0 AND rows_rejected >= 0)
);
