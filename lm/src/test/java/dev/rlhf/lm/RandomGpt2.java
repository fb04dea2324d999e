package dev.rlhf.lm;

import ai.djl.ndarray.NDManager;

/** A GPT-2 of random weights (from {@code seed}) on a manager of its own on the best device; closing closes both. */
record RandomGpt2(NDManager root, GPT2 model) implements AutoCloseable {
    static RandomGpt2 of(GPT2Config config, long seed) {
        NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
        return new RandomGpt2(root, new GPT2(config, root, seed));
    }

    @Override
    public void close() {
        model.close();
        root.close();
    }
}
