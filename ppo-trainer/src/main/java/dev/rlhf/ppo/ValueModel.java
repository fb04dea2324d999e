package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.reward.RewardModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The value network V(s_t): a GPT-2 trunk and a scalar head read at every position. It is initialised from the
 * reward model (trunk and head), as in Stiennon et al. (2020), and trained; the reward model itself stays frozen.
 * On disk it is the same layout as a reward model (a Hugging Face GPT-2 directory with {@code score.*}).
 */
public final class ValueModel implements AutoCloseable {

    private final GPT2 trunk;
    private final ScalarHead head;

    public ValueModel(GPT2 trunk, ScalarHead head) {
        this.trunk = trunk;
        this.head = head;
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
        return head.values(hidden);
    }

    public void save(Path dir, Tokenizer tokenizer) throws IOException {
        HfCheckpoint.save(dir, trunk.config(), trunk.namedTensors(), head.namedTensors(), tokenizer);
    }

    /** The trunk's parameters, then the head's. */
    public List<NDArray> parameters() {
        List<NDArray> p = new ArrayList<>(trunk.namedTensors().values());
        p.addAll(head.namedTensors().values());
        return p;
    }

    public GPT2 trunk() {
        return trunk;
    }

    public ScalarHead head() {
        return head;
    }

    @Override
    public void close() {
        head.close();
        trunk.close();
    }
}
