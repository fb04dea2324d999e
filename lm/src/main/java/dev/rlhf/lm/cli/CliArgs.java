package dev.rlhf.lm.cli;

/**
 * What the command-line tools share besides their parsing ({@link Commands}): the engine loaded offline.
 */
public final class CliArgs {

    private CliArgs() {
    }

    /** Loads the PyTorch engine from the jars on the class path, never from the network. */
    public static void offlineEngine() {
        dev.rlhf.lm.OfflineEngine.use();
    }
}
