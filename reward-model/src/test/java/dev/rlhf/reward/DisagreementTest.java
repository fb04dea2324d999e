package dev.rlhf.reward;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DisagreementTest {

    @Test
    void stdOfDeltaAndOfProbability() {
        Disagreement d = Disagreement.of(new double[] {1, -1, 3});
        assertEquals(1.0, d.meanDelta(), 1e-12);
        assertEquals(Math.sqrt(8.0 / 3), d.stdDelta(), 1e-12);              // deviations 0, −2, 2
        double p1 = 1 / (1 + Math.exp(-1)), p2 = 1 / (1 + Math.exp(1)), p3 = 1 / (1 + Math.exp(-3));
        double mean = (p1 + p2 + p3) / 3;
        assertEquals(mean, d.meanProbability(), 1e-12);
        double var = ((p1 - mean) * (p1 - mean) + (p2 - mean) * (p2 - mean) + (p3 - mean) * (p3 - mean)) / 3;
        assertEquals(Math.sqrt(var), d.stdProbability(), 1e-12);
        Disagreement agree = Disagreement.of(new double[] {2, 2});
        assertEquals(0.0, agree.stdDelta());
        assertEquals(0.0, agree.stdProbability());
    }
}
