package dev.rlhf.lm;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused kernels compute the functions they are named after, with their derivatives, against the formulas
 * evaluated in double precision on the host: values over [−8, 8], gradients of Σ w·f(x) inside a gradient collector,
 * one fused backward kernel recorded inside a collector and nothing outside one, and float16 in, float16 out.
 */
class FusedActivationsTest {

    static final double C = Math.sqrt(2 / Math.PI);

    static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(C * (x + 0.044715 * x * x * x)));
    }

    static double geluDerivative(double x) {
        double t = Math.tanh(C * (x + 0.044715 * x * x * x));
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * C * (1 + 3 * 0.044715 * x * x);
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    static double silu(double x) {
        return x * sigmoid(x);
    }

    static double siluDerivative(double x) {
        double s = sigmoid(x);
        return s + x * s * (1 - s);
    }

    @Test
    void geluTanhIsGpt2sGeluWithItsDerivative() {
        check(FusedActivations::geluTanh, FusedActivationsTest::gelu, FusedActivationsTest::geluDerivative, "GeluBackward0");
    }

    @Test
    void siluIsXTimesSigmoidWithItsDerivative() {
        check(FusedActivations::silu, FusedActivationsTest::silu, FusedActivationsTest::siluDerivative, "SiluBackward0");
    }

    static void check(UnaryOperator<NDArray> f, DoubleUnaryOperator value, DoubleUnaryOperator derivative, String backward) {
        try (NDManager m = NDManager.newBaseManager(Devices.best(), "PyTorch")) {
            int n = 801;
            float[] xs = new float[n], ws = new float[n];
            for (int i = 0; i < n; i++) {
                xs[i] = -8f + 16f * i / (n - 1);
                ws[i] = 0.5f + (i % 7) * 0.25f;
            }
            NDArray x = m.create(xs, new Shape(3, 267)), w = m.create(ws, new Shape(3, 267));

            NDArray y = f.apply(x);
            assertEquals(new Shape(3, 267), y.getShape());
            assertEquals(DataType.FLOAT32, y.getDataType());
            assertEquals(m, y.getManager(), "the result belongs to the input's manager");
            float[] got = y.toFloatArray();
            for (int i = 0; i < n; i++) {
                double want = value.applyAsDouble(xs[i]);
                assertTrue(Math.abs(got[i] - want) <= 1e-6 * Math.max(1, Math.abs(want)),
                        "f(" + xs[i] + ") = " + got[i] + ", want " + want);
            }

            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray recorded = f.apply(x);
                assertEquals(backward, JniUtils.getGradientFunctionNames((PtNDArray) recorded), "one fused backward kernel");
                gc.backward(recorded.mul(w).sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < n; i++) {
                double want = ws[i] * derivative.applyAsDouble(xs[i]);
                assertTrue(Math.abs(grad[i] - want) <= 1e-5 * Math.max(1, Math.abs(want)),
                        "w·f'(" + xs[i] + ") = " + grad[i] + ", want " + want);
            }
            NDArray outside = f.apply(x);                     // outside a collector nothing is recorded
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                assertThrows(EngineException.class, () -> gc.backward(outside.sum()));
            }

            NDArray half = f.apply(x.toType(DataType.FLOAT16, false));
            assertEquals(DataType.FLOAT16, half.getDataType());
            float[] halfValues = half.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < n; i++) {
                double want = value.applyAsDouble(xs[i]);
                assertTrue(Math.abs(halfValues[i] - want) <= 1e-2 * Math.max(1, Math.abs(want)),
                        "float16 f(" + xs[i] + ") = " + halfValues[i] + ", want " + want);
            }
        }
    }
}
