package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** The parameter maps of the Llama and GPT-NeoX models: seeded random ones, or checked copies of given tensors. */
final class ModelTensors {

    private ModelTensors() {}

    /**
     * Fresh parameters in {@code owner}: norm weights 1, biases 0, every other weight N(0, std), each tensor from its
     * own seeded generator (the same seed gives the same model).
     */
    static Map<String, NDArray> random(LmConfig config, NDManager owner, long seed, double std) {
        Map<String, NDArray> p = new LinkedHashMap<>();
        int index = 0;
        for (Map.Entry<String, long[]> e : config.tensorShapes().entrySet()) {
            String name = e.getKey();
            Shape shape = new Shape(e.getValue());
            float[] values = new float[Math.toIntExact(shape.size())];
            Random rng = new Random(seed * 1_000_003L + index++);
            if (name.endsWith("norm.weight") || name.endsWith("layernorm.weight") || name.endsWith("layer_norm.weight")) {
                Arrays.fill(values, 1f);
            } else if (name.endsWith(".weight")) {
                for (int i = 0; i < values.length; i++) values[i] = (float) (rng.nextGaussian() * std);
            }
            NDArray a = Constants.floats(owner, values, shape);
            a.setRequiresGradient(true);
            p.put(name, a);
        }
        return Collections.unmodifiableMap(p);
    }

    /**
     * Copies of {@code tensors} in {@code owner} and {@code dtype}, each checked against the config's shape. The
     * untied LM head may be absent (a sequence-classification checkpoint): the result then lacks it too.
     */
    static Map<String, NDArray> copies(LmConfig config, Map<String, NDArray> tensors, NDManager owner, DataType dtype) {
        Map<String, NDArray> p = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : config.tensorShapes().entrySet()) {
            String name = e.getKey();
            Shape shape = new Shape(e.getValue());
            NDArray src = tensors.get(name);
            if (src == null) {
                if (name.equals(config.lmHeadTensor())) continue;
                throw new IllegalArgumentException("tensor " + name + " " + shape + " is missing");
            }
            if (!src.getShape().equals(shape)) {
                throw new IllegalArgumentException("tensor " + name + " has shape " + src.getShape() + ", expected " + shape);
            }
            NDArray a = Ops.copyOf(src, owner, dtype);
            a.setRequiresGradient(true);
            p.put(name, a);
        }
        return Collections.unmodifiableMap(p);
    }
}
