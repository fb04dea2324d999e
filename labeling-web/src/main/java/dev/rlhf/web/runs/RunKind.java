package dev.rlhf.web.runs;

/** What a run trains (the {@code runs.kind} values the worker executes). */
public enum RunKind { SFT, REWARD_MODEL, PPO, SELECT_BATCH }
