package dev.rlhf.web.runs;

/**
 * Executes one kind of run through a trainer library; returns the id of the model it registered, or {@link #NO_MODEL}
 * for a run that registers none (a human evaluation).
 */
public interface RunExecutor {
    /** What a run that registers no model returns (model ids start at 1). */
    long NO_MODEL = 0;

    RunKind kind();

    long execute(RunContext context) throws Exception;
}
