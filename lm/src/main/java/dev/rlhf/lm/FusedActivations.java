package dev.rlhf.lm;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The engine's fused kernels for GPT-2's tanh GELU and Llama's SiLU, which DJL's NDArray API does not reach: each is
 * a TorchScript module without parameters whose forward is the one call {@code F.gelu(x, approximate="tanh")} or
 * {@code F.silu(x)} (resources {@code kernels/*.pt}, written by {@code lm/src/main/python/make_kernel_modules.py}).
 * One kernel forward and one backward each, where the same functions written from NDArray operations take six
 * kernels forward and about eleven backward (GELU) or two and four (SiLU), and keep as many intermediates for the
 * backward pass.
 *
 * <p>A module runs in the calling thread's grad mode (recorded for autograd inside a gradient collector, not
 * outside), on the device of its input, and its result belongs to the input's manager like every other operation's.
 */
final class FusedActivations {

    private FusedActivations() {}

    /** 0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))): transformers' gelu_new. */
    static NDArray geluTanh(NDArray x) {
        return forward(Modules.GELU_TANH, x);
    }

    /** x·σ(x). */
    static NDArray silu(NDArray x) {
        return forward(Modules.SILU, x);
    }

    private static NDArray forward(PtSymbolBlock module, NDArray x) {
        return IValueUtils.forward(module, new NDList(x), true).singletonOrThrow();   // true: the caller's grad mode
    }

    /** Loaded once, on first use, and kept for the life of the JVM in a manager of their own. */
    private static final class Modules {
        static final NDManager OWNER = NDManager.newBaseManager(Device.cpu(), "PyTorch");
        static final PtSymbolBlock GELU_TANH = load("gelu_tanh.pt");
        static final PtSymbolBlock SILU = load("silu.pt");

        private static PtSymbolBlock load(String name) {
            try (InputStream in = FusedActivations.class.getResourceAsStream("kernels/" + name)) {
                if (in == null) throw new IllegalStateException("resource dev/rlhf/lm/kernels/" + name + " is missing");
                return JniUtils.loadModule((PtNDManager) OWNER, in, false, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read dev/rlhf/lm/kernels/" + name, e);
            }
        }
    }
}
