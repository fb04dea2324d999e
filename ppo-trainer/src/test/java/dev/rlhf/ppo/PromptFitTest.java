package dev.rlhf.ppo;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the PPO and RLOO trainers refuse before they sample: prompts that cannot be sampled from with these models. */
class PromptFitTest {

    @Test
    void promptsMustBeThereAndFitEveryModelsContext() {
        try (NDManager m = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 policy = new GPT2(GPT2Config.of(40, 16, 8, 1, 2), m, 1);
             GPT2 reference = new GPT2(GPT2Config.of(40, 16, 8, 1, 2), m, 2);
             GPT2 shortValue = new GPT2(GPT2Config.of(40, 12, 8, 1, 2), m, 3);
             GPT2 otherVocabulary = new GPT2(GPT2Config.of(41, 16, 8, 1, 2), m, 4)) {
            List<int[]> prompts = List.of(new int[] {1, 2, 3}, new int[8]);
            assertDoesNotThrow(() -> Prompts.checkFit(prompts, 8, policy, reference));
            assertEquals("longest prompt (8 tokens) + responseLength (9) exceeds n_positions 16; lower maxPromptTokens or responseLength",
                    assertThrows(IllegalArgumentException.class, () -> Prompts.checkFit(prompts, 9, policy, reference)).getMessage());
            assertEquals("longest prompt (8 tokens) + responseLength (8) exceeds n_positions 12; lower maxPromptTokens or responseLength",
                    assertThrows(IllegalArgumentException.class, () -> Prompts.checkFit(prompts, 8, policy, reference, shortValue)).getMessage());
            assertEquals("no prompts",
                    assertThrows(IllegalArgumentException.class, () -> Prompts.checkFit(List.of(), 8, policy, reference)).getMessage());
            assertEquals("a prompt is empty",
                    assertThrows(IllegalArgumentException.class, () -> Prompts.checkFit(List.of(new int[0]), 8, policy, reference)).getMessage());
            assertEquals("reference vocabulary 41 differs from the policy's 40",
                    assertThrows(IllegalArgumentException.class, () -> Prompts.checkFit(prompts, 8, policy, otherVocabulary)).getMessage());
        }
    }
}
