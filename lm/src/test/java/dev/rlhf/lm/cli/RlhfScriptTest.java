package dev.rlhf.lm.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/rlhf help} names every command with its description (no build runs); an unknown command is status 2. */
class RlhfScriptTest {

    static final Path SCRIPT = Path.of("..", "bin", "rlhf").toAbsolutePath().normalize();

    record Outcome(int status, String out) {
    }

    static Outcome run(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Outcome(p.waitFor(), out);
    }

    @Test
    void helpNamesTheCommandsAndAnUnknownOneIsRefused() throws Exception {
        assertTrue(Files.isRegularFile(SCRIPT), SCRIPT.toString());
        for (String h : new String[] {"help", "--help", "-h"}) {
            Outcome o = run(h);
            assertEquals(0, o.status(), o.out());
            for (String c : new String[] {"sft", "generate", "bench-lm", "reward", "bench-reward", "ppo", "dpo", "rloo",
                    "bench-ppo", "bench-methods", "data", "demo", "bench-labeling", "gpu-kit"}) {
                assertTrue(o.out().lines().anyMatch(l -> l.startsWith("  " + c + " ") && l.trim().length() > c.length() + 10),
                        c + " with a description in\n" + o.out());
            }
            assertFalse(o.out().contains("dev.rlhf."), "descriptions, not Java classes:\n" + o.out());
        }
        Outcome unknown = run("frobnicate");
        assertEquals(2, unknown.status());
        assertTrue(unknown.out().contains("unknown command \"frobnicate\"") && unknown.out().contains("sft"), unknown.out());
    }
}
