package dev.rlhf.gpu;

import dev.rlhf.lm.commandline.Commands;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** gpu-kit's command line: help with defaults, an unknown option or an old spelling refused. */
class GpuKitCommandLineTest {

    static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) throws Exception {
        return Commands.run(GpuKit.options().spec(), args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), p -> {
                    throw new AssertionError("the kit must not be built");
                });
    }

    @Test
    void helpAndRefusals() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "-h"));
        assertTrue(out.toString().contains("--djl-src") && out.toString().contains("Default: txz"), out.toString());
        assertEquals(2, run(out, err, "--ouT", "x"));
        assertTrue(err.toString().contains("--ouT"), err.toString());
        assertEquals(2, run(out, err, "--torchRef", "x"));
        assertTrue(err.toString().contains("--torchRef is now --torch-ref"), err.toString());
        assertEquals("dir", GpuKit.options().parse("--out", "k", "--jre", "dir").get("jre"));
    }
}
