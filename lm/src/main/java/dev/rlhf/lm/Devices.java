package dev.rlhf.lm;

import ai.djl.Device;
import ai.djl.engine.Engine;

/** Where the model runs: the first GPU when the engine sees one, else the CPU. */
public final class Devices {

    private Devices() {}

    /** The PyTorch engine (loaded once; with {@code ai.djl.offline=true} nothing is downloaded). */
    public static Engine engine() {
        return Engine.getEngine("PyTorch");
    }

    /** GPU 0 when {@code Engine.getGpuCount() > 0}, else the CPU. */
    public static Device best() {
        engine();
        return engine().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
}
