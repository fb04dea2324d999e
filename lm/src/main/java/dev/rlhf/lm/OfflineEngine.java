package dev.rlhf.lm;

/**
 * The PyTorch engine loads its natives from the jars on the class path and downloads nothing: call {@link #use()}
 * before the engine first loads (a caller that set {@code ai.djl.offline} itself keeps its value).
 */
public final class OfflineEngine {
    private OfflineEngine() {}

    public static void use() {
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
    }
}
