package dev.rlhf.web.runs;

/** Executes one kind of run through a trainer library; returns the id of the model it registered. */
public interface RunExecutor {
    RunKind kind();

    long execute(RunContext context) throws Exception;
}
