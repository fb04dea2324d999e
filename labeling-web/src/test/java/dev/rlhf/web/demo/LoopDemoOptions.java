package dev.rlhf.web.demo;

/** The demo's options, for the command-line tests. */
public final class LoopDemoOptions {
    private LoopDemoOptions() {
    }

    public static dev.rlhf.lm.commandline.FlagTable table() {
        return LoopDemo.options();
    }
}
