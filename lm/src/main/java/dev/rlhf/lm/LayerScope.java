package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.function.UnaryOperator;

/**
 * Runs one transformer layer in its own sub-manager and frees the layer's intermediates as soon as its output
 * exists, as PyTorch's reference counting does; only the output moves back to the caller's manager.
 *
 * <p>Without it a full pass keeps every intermediate of every layer until the step's manager closes, so a pass
 * without gradients touches several times the memory it needs and each fresh page costs a fault. With gradients
 * nothing changes for backward: autograd holds its own references to what it saved, and only the Java handles are
 * closed (the arrays are libtorch's, never views of Java memory).
 */
final class LayerScope {

    private LayerScope() {}

    /** layer(x) computed in a scope of x's manager; x itself is released with the scope (the caller is done with it). */
    static NDArray apply(NDArray x, UnaryOperator<NDArray> layer) {
        NDManager outer = x.getManager();
        try (NDManager scope = outer.newSubManager()) {
            x.attach(scope);
            NDArray out = layer.apply(x);
            out.attach(outer);
            return out;
        }
    }
}
