package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/** A model's parameters copied out as float arrays, and how far two such copies are apart (resume and seed tests). */
public final class Weights {

    private Weights() {}

    /** Name → values of every tensor, in the map's order. */
    public static Map<String, float[]> of(Map<String, NDArray> tensors) {
        Map<String, float[]> w = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) w.put(e.getKey(), e.getValue().toFloatArray());
        return w;
    }

    /** The largest absolute difference between the values of {@code a} and {@code b}, over the names of {@code a}. */
    public static double maxDiff(Map<String, float[]> a, Map<String, float[]> b) {
        double d = 0;
        for (String k : a.keySet()) {
            float[] x = a.get(k), y = b.get(k);
            for (int i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }
}
