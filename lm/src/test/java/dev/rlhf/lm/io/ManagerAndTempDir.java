package dev.rlhf.lm.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.rlhf.lm.GPT2Config;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A test's temporary directory and an NDManager open for each test method. */
abstract class ManagerAndTempDir {

    @TempDir
    Path tmp;
    NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /** Every tensor of a GPT-2 of {@code config}, standard normal, from the engine seeded with {@code seed}. */
    Map<String, NDArray> randomGpt2(GPT2Config config, int seed) {
        manager.getEngine().setRandomSeed(seed);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        config.tensorShapes().forEach((name, shape) -> tensors.put(name, manager.randomNormal(new Shape(shape))));
        return tensors;
    }
}
