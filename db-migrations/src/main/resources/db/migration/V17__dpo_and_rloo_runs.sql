-- DPO and RLOO run kinds: policies trained from a label snapshot directly (DPO) or against a reward model with a
-- leave-one-out baseline (RLOO), beside SFT, reward-model and PPO runs.
ALTER TABLE runs DROP CONSTRAINT runs_kind_ck;
ALTER TABLE runs ADD CONSTRAINT runs_kind_ck
    CHECK (kind IN ('SFT', 'REWARD_MODEL', 'PPO', 'DPO', 'RLOO', 'SAMPLE', 'EVALUATION', 'SELECT_BATCH'));
