-- Human evaluation: an EVALUATION run samples a policy's summaries for held-out posts and opens a pairwise batch of
-- policy-vs-opponent comparisons (the opponent: the reference summaries or another policy). These tables say which
-- batch belongs to which evaluation, which side of each comparison is the policy's, and what the reward model (if
-- one was chosen) scored each side. The labels themselves stay in labels, like any other batch's.

CREATE TABLE evaluations (
    id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id             bigint       NOT NULL REFERENCES runs (id),
    batch_id           bigint       NOT NULL REFERENCES batches (id),
    policy_model_id    bigint       NOT NULL REFERENCES models (id),
    -- summaries.policy of the policy's samples (the registry name of the model)
    policy_name        varchar(128) NOT NULL,
    -- NULL: the opponent is the posts' reference summaries
    opponent_model_id  bigint       REFERENCES models (id),
    opponent_name      varchar(128) NOT NULL,
    reward_model_id    bigint       REFERENCES models (id),
    post_count         integer      NOT NULL,
    -- the sampling settings and the held-out rule the run used
    settings           jsonb        NOT NULL DEFAULT '{}',
    created_at         timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT evaluations_run_uq UNIQUE (run_id),
    CONSTRAINT evaluations_batch_uq UNIQUE (batch_id),
    CONSTRAINT evaluations_opponent_ck CHECK (opponent_model_id IS NULL OR opponent_model_id <> policy_model_id),
    CONSTRAINT evaluations_post_count_ck CHECK (post_count >= 1)
);
CREATE INDEX evaluations_policy_idx ON evaluations (policy_model_id);
CREATE INDEX evaluations_opponent_idx ON evaluations (opponent_model_id);

-- One row per comparison of an evaluation's batch. policy_position: the canonical position (comparison_summaries
-- .position, drawn at random per comparison) of the policy's summary; the opponent's is the other one. The rewards
-- are the reward model's scores r(post, summary) of the two sides, both NULL when the evaluation has no reward model.
CREATE TABLE evaluation_comparisons (
    evaluation_id    bigint           NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    comparison_id    bigint           NOT NULL REFERENCES comparisons (id),
    policy_position  integer          NOT NULL,
    policy_reward    double precision,
    opponent_reward  double precision,
    PRIMARY KEY (evaluation_id, comparison_id),
    CONSTRAINT evaluation_comparisons_comparison_uq UNIQUE (comparison_id),
    CONSTRAINT evaluation_comparisons_position_ck CHECK (policy_position IN (0, 1)),
    CONSTRAINT evaluation_comparisons_rewards_ck CHECK ((policy_reward IS NULL) = (opponent_reward IS NULL))
);
