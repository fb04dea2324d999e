package dev.rlhf.web.runs;

/**
 * Executes one kind of run (the kind its {@link RunType} registers it for) through a trainer library; returns the id
 * of the model it registered, or {@link #NO_MODEL} for a run that registers none (a human evaluation).
 */
public interface RunExecutor {
    /** What {@link #execute} returns for a run that registers no model (model ids start at 1): a batch selection, an evaluation. */
    long NO_MODEL = 0;

    long execute(RunContext context) throws Exception;

    /** A metric as a JSON number for a registry entry's metrics, or null when it is NaN or infinite (JSON has neither). */
    static String jsonNumber(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
