package dev.rlhf.web.runs;

/** Executes one kind of run through a trainer library; returns the id of the model it registered. */
public interface RunExecutor {
    /** What {@link #execute} returns for a run that registers no model (e.g. one that selects a batch). */
    long NO_MODEL = 0;

    RunKind kind();

    long execute(RunContext context) throws Exception;
}
