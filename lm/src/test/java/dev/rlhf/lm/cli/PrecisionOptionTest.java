package dev.rlhf.lm.cli;

import dev.rlhf.lm.Precision;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --precision} of {@code sft}: float32 by default, the type's name as torch spells it, or from a config file. */
class PrecisionOptionTest {

    @Test
    void precisionComesFromTheFlagOrTheConfigFile(@TempDir Path dir) throws Exception {
        assertEquals(Precision.FLOAT32, SftCli.parsed().trainerConfig().precision());
        assertEquals(Precision.FLOAT16, SftCli.parsed("--precision", "float16").trainerConfig().precision());
        Path yaml = dir.resolve("sft.yaml");
        Files.writeString(yaml, "precision: bfloat16\n");
        assertEquals(Precision.BFLOAT16, SftCli.parsed("--config", yaml.toString()).trainerConfig().precision());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SftCli.parsed("--precision", "fp8"));
        assertTrue(e.getMessage().contains("--precision"), e.getMessage());
    }
}
