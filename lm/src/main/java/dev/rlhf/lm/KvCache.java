package dev.rlhf.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer for the positions already seen, so that each new token attends to the prefix
 * without recomputing it. The buffers are allocated once at full length ([B, num_key_value_heads, capacity, head_dim] per layer, before grouped-query heads are repeated)
 * and written in place, so a step copies only its own new keys and values.
 *
 * <p>The buffers belong to the manager passed in (one generation's manager); the views handed to a forward pass
 * are moved to that pass's own manager.
 */
public final class KvCache {

    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int length;

    /** @param dtype the model's type ({@link CausalLm#dataType()}): the cache holds its keys and values as they are */
    public KvCache(LmConfig config, NDManager manager, int batchSize, int capacity, DataType dtype) {
        if (capacity > config.max_position_embeddings()) {
            throw new IllegalArgumentException("capacity " + capacity + " exceeds n_positions " + config.max_position_embeddings());
        }
        this.capacity = capacity;
        this.keys = new NDArray[config.num_hidden_layers()];
        this.values = new NDArray[config.num_hidden_layers()];
        Shape shape = new Shape(batchSize, config.num_key_value_heads(), capacity, config.head_dim());
        for (int i = 0; i < keys.length; i++) {
            keys[i] = manager.zeros(shape, dtype);
            values[i] = manager.zeros(shape, dtype);
        }
    }

    /** Positions already stored (the same for every layer). */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /**
     * Writes the new keys and values [B, H, T, hd] of one layer after the stored ones and returns views of all of
     * them, [B, H, length + T, hd], owned by the manager of {@code k}.
     */
    NDArray[] append(int layer, NDArray k, NDArray v) {
        long t = k.getShape().get(2);
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " + " + t + " > " + capacity);
        }
        NDIndex slot = new NDIndex(":, :, {}:{}", length, length + t);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex seen = new NDIndex(":, :, :{}", length + t);
        NDArray allK = keys[layer].get(seen);
        NDArray allV = values[layer].get(seen);
        allK.attach(k.getManager());
        allV.attach(k.getManager());
        return new NDArray[] {allK, allV};
    }

    /** Called by the model once every layer has appended {@code t} positions. */
    void advance(int t) {
        length += t;
    }
}
