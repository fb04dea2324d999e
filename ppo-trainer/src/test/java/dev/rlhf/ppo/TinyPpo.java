package dev.rlhf.ppo;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.CausalLm;

import java.util.List;

/**
 * A PPO trainer of the tests on fresh copies of an SFT model (policy and reference) and the test value network
 * ({@link TinySetup#valueModel}, seed 21); closing it closes the trainer and the three models.
 */
record TinyPpo(CausalLm policy, CausalLm reference, ValueModel value, PpoTrainer trainer) implements AutoCloseable {

    static TinyPpo of(PpoConfig config, CausalLm sft, NDManager root, RewardFunction reward, List<int[]> prompts) {
        CausalLm policy = PpoModels.copyOf(sft, root), reference = PpoModels.copyOf(sft, root);
        ValueModel value = TinySetup.valueModel(root, 21);
        return new TinyPpo(policy, reference, value,
                new PpoTrainer(config, policy, reference, value, reward, TinySetup.TOKENIZER, prompts));
    }

    @Override
    public void close() {
        trainer.close();
        value.close();
        reference.close();
        policy.close();
    }
}
