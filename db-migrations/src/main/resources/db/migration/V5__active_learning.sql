-- Active learning: a batch chosen by a SELECT_BATCH run, from a candidate pool of summary pairs, either the pairs
-- a reward-model ensemble disputes most or (the baseline) pairs drawn at random from the same pool. Every candidate
-- is scored by every member; each chosen comparison keeps its disagreement so pages and exports can show it.

ALTER TABLE runs DROP CONSTRAINT runs_kind_ck;
ALTER TABLE runs ADD CONSTRAINT runs_kind_ck
    CHECK (kind IN ('SFT', 'REWARD_MODEL', 'PPO', 'SAMPLE', 'EVALUATION', 'SELECT_BATCH'));

-- One row per selected batch: which run chose it, how, with which ensemble, and the pool it chose from.
-- pool_mean_disagreement is the mean of the measure over every scored candidate pair, to compare the batch with.
CREATE TABLE batch_selections (
    batch_id                bigint           PRIMARY KEY REFERENCES batches (id),
    run_id                  bigint           NOT NULL REFERENCES runs (id),
    method                  varchar(16)      NOT NULL,
    measure                 varchar(16)      NOT NULL,
    member_model_ids        bigint[]         NOT NULL,
    pool_pairs              integer          NOT NULL,
    pool_mean_disagreement  double precision NOT NULL,
    created_at              timestamptz      NOT NULL DEFAULT now(),
    CONSTRAINT batch_selections_run_uq UNIQUE (run_id),
    CONSTRAINT batch_selections_method_ck CHECK (method IN ('DISAGREEMENT', 'RANDOM')),
    CONSTRAINT batch_selections_measure_ck CHECK (measure IN ('STD_PROBABILITY', 'STD_DELTA')),
    CONSTRAINT batch_selections_members_ck CHECK (cardinality(member_model_ids) >= 2),
    CONSTRAINT batch_selections_pool_ck CHECK (pool_pairs >= 1)
);

-- The ensemble's view of each chosen (real, not gold) comparison: the members' Δr = r(summary 0) − r(summary 1)
-- in the order of batch_selections.member_model_ids, their mean and population std, the same for σ(Δr), the value
-- of the batch's measure, and the rank (1 = most disputed; for a random batch, the order drawn).
CREATE TABLE comparison_disagreements (
    comparison_id     bigint             PRIMARY KEY REFERENCES comparisons (id) ON DELETE CASCADE,
    batch_id          bigint             NOT NULL REFERENCES batch_selections (batch_id),
    rank              integer            NOT NULL,
    disagreement      double precision   NOT NULL,
    mean_delta        double precision   NOT NULL,
    std_delta         double precision   NOT NULL,
    mean_probability  double precision   NOT NULL,
    std_probability   double precision   NOT NULL,
    member_deltas     double precision[] NOT NULL,
    CONSTRAINT comparison_disagreements_rank_uq UNIQUE (batch_id, rank),
    CONSTRAINT comparison_disagreements_rank_ck CHECK (rank >= 1)
);
