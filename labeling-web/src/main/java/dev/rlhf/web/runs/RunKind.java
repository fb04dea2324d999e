package dev.rlhf.web.runs;

/**
 * What a run does (the {@code runs.kind} values the worker executes): trains a model (SFT, REWARD_MODEL, PPO, DPO, RLOO),
 * chooses the next batch by reward-model disagreement (SELECT_BATCH) or samples a policy for a human evaluation
 * (EVALUATION).
 */
public enum RunKind { SFT, REWARD_MODEL, PPO, DPO, RLOO, SELECT_BATCH, EVALUATION }
