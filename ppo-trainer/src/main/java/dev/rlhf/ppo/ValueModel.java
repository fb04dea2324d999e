package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.reward.RewardModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The value network V(s_t): a transformer trunk and a scalar head read at every position. It is initialised from the
 * reward model (trunk and head), as in Stiennon et al. (2020), and trained; the reward model itself stays frozen.
 * It has the reward model's shape, so it is held as one (load, save, parameters) and only read differently: at every
 * position instead of at the last real token. On disk it is a reward-model directory.
 */
public final class ValueModel implements AutoCloseable {

    private final RewardModel model;

    public ValueModel(CausalLm trunk, ScalarHead head) {
        this.model = new RewardModel(trunk, head);
    }

    /** A fresh copy of the reward model (or of a saved value network) in {@code dir}. */
    public static ValueModel load(Path dir, NDManager manager) throws IOException {
        RewardModel rm = RewardModel.load(dir, manager);
        return new ValueModel(rm.trunk(), rm.head());
    }

    /** A value network holding copies of the reward model's trunk and head. */
    public static ValueModel copyOf(RewardModel rm, NDManager manager) {
        return new ValueModel(PpoModels.copyOf(rm.trunk(), manager), PpoModels.copyOf(rm.head(), manager));
    }

    /** V at every position of the hidden states ln_f(h) [B, T, d] → [B, T]. */
    public NDArray values(NDArray hidden) {
        return model.head().values(hidden);
    }

    public void save(Path dir, Tokenizer tokenizer) throws IOException {
        model.save(dir, tokenizer);
    }

    /** The trunk's parameters, then the head's. */
    public List<NDArray> parameters() {
        return model.parameters();
    }

    public CausalLm trunk() {
        return model.trunk();
    }

    public ScalarHead head() {
        return model.head();
    }

    @Override
    public void close() {
        model.close();
    }
}
