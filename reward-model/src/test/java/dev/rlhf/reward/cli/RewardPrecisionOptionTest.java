package dev.rlhf.reward.cli;

import dev.rlhf.lm.Precision;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code reward train --precision}: the type's name in any case; anything else is refused naming the option. */
class RewardPrecisionOptionTest {

    @Test
    void precisionIsReadByNameAndAnUnknownOneIsRefused() {
        assertEquals(Precision.FLOAT32, RewardModelCli.precision("float32"));
        assertEquals(Precision.BFLOAT16, RewardModelCli.precision("bfloat16"));
        assertEquals(Precision.FLOAT16, RewardModelCli.precision("FLOAT16"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RewardModelCli.precision("fp8"));
        assertEquals("--precision must be float32, bfloat16 or float16, not fp8", e.getMessage());
    }
}
