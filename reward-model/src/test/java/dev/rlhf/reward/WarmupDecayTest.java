package dev.rlhf.reward;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WarmupDecayTest {

    @Test
    void warmupThenCosineOrLinear() {
        WarmupDecay cos = new WarmupDecay(1.0, 0.1, 4, 14, LrShape.COSINE);
        assertEquals(0.25, cos.at(0), 1e-12);                    // (0 + 1)/4
        assertEquals(1.0, cos.at(3), 1e-12);
        assertEquals(1.0, cos.at(4), 1e-12);                     // decay starts at the peak
        assertEquals(0.55, cos.at(9), 1e-12);                    // halfway: 0.1 + 0.45·(1 + cos(π/2))
        assertEquals(0.1, cos.at(14), 1e-12);
        WarmupDecay lin = new WarmupDecay(1.0, 0.1, 4, 14, LrShape.LINEAR);
        assertEquals(0.55, lin.at(9), 1e-12);
        assertEquals(1.0 - 0.9 * 0.2, lin.at(6), 1e-12);         // 2 of 10 decay steps
        assertEquals(1.0, new WarmupDecay(1.0, 0.1, 0, 14, LrShape.CONSTANT).at(13), 1e-12);
        assertEquals(4, RewardConfig.defaults().withBatch(10, 10).withEpochs(2).steps(15));  // 2 epochs × ceil(15/10)
    }
}
