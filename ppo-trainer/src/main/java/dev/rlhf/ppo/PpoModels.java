package dev.rlhf.ppo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.CausalLm;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.reward.RewardModel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The four models of a PPO run, each with its own weights (no sharing): the policy and the frozen reference, both
 * from the SFT directory; the value network and the frozen reward model, both from the reward-model directory.
 */
public record PpoModels(CausalLm policy, CausalLm reference, ValueModel value, RewardModel rewardModel) implements AutoCloseable {

    public static PpoModels load(Path policyDir, Path rewardModelDir, NDManager manager) throws IOException {
        CausalLm policy = HfCheckpoint.loadModel(policyDir, manager);
        CausalLm reference = copyOf(policy, manager);
        RewardModel rm = RewardModel.load(rewardModelDir, manager);
        if (rm.trunk().config().vocab_size() != policy.config().vocab_size()) {
            throw new IllegalArgumentException("reward model " + rewardModelDir + " has vocab_size "
                    + rm.trunk().config().vocab_size() + " but the policy " + policyDir + " has "
                    + policy.config().vocab_size() + ": they must share a tokenizer");
        }
        return new PpoModels(policy, reference, ValueModel.copyOf(rm, manager), rm);
    }

    /** An independent copy of a model's weights (fromTensors copies). */
    public static CausalLm copyOf(CausalLm source, NDManager manager) {
        return source.copy(manager);
    }

    static ScalarHead copyOf(ScalarHead source, NDManager manager) {
        return ScalarHead.fromTensors(source.namedTensors(), manager);
    }

    @Override
    public void close() {
        rewardModel.close();
        value.close();
        reference.close();
        policy.close();
    }
}
