package dev.rlhf.ppo;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Tests that start PPO from {@link TinySetup#sftModel}: trained once per test class, closed after it. */
abstract class TinySftModelTest {

    static NDManager root;
    static GPT2 sft;

    @BeforeAll
    static void pretrain() throws Exception {
        root = NDManager.newBaseManager(Devices.best(), "PyTorch");
        sft = TinySetup.sftModel(root);
    }

    @AfterAll
    static void close() {
        sft.close();
        root.close();
    }
}
