package dev.rlhf.gpu;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Builds the GPU kit from this build's class path and runs its CPU rehearsal ({@code run-gpu-check.sh --cpu}):
 * the kit fits in 60 MiB and carries what the GPU host needs, and the rehearsal's summary says every check passed.
 */
class GpuKitTest {

    @Test
    void kitBuildsAndItsCpuRehearsalPasses(@TempDir Path tmp) throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String classpath = Path.of("target/classes").toAbsolutePath() + File.pathSeparator
                + Files.readString(Path.of("target/runtime-classpath.txt")).trim();
        Path djl = root.resolve("../shared/vendor/djl-0.35.1").normalize();
        Path kit = tmp.resolve("kit");
        long size = GpuKit.build(kit, classpath, djl, root.resolve("../shared/bench/torch_ref.py").normalize(), "txz", GpuKit.MODULES, 1);

        assertTrue(size <= 60L << 20, "kit is " + size + " bytes");
        for (String f : List.of("jre.tar.xz", "run-gpu-check.sh", "build-jni.sh", "hf_reference.py", "torch_ref_on.py",
                "jni/include/jni.h", "jni/include/linux/jni_md.h", "patches/0001-bfloat16-data-type.patch",
                "lib/gpu-check.jar", "classpath.txt")) {
            assertTrue(Files.isRegularFile(kit.resolve(f)), "kit lacks " + f);
        }
        if (Files.isDirectory(djl)) {
            assertTrue(Files.isRegularFile(kit.resolve("djl-0.35.1/engines/pytorch/pytorch-native/CMakeLists.txt")));
        }
        List<String> lib = new ArrayList<>();
        try (var s = Files.list(kit.resolve("lib"))) {
            s.forEach(p -> lib.add(p.getFileName().toString()));
        }
        for (String jar : List.of("lm", "reward-model", "ppo-trainer", "api", "pytorch-engine", "gson")) {
            assertTrue(lib.stream().anyMatch(n -> n.matches(jar + "([-.].*)?\\.jar")), "no " + jar + " jar in lib/: " + lib);
        }
        assertFalse(lib.stream().anyMatch(n -> n.startsWith("pytorch-native-") || n.startsWith("pytorch-jni-")
                || n.startsWith("spring") || n.startsWith("junit")), "lib/ holds what the GPU host must not get: " + lib);
        Path tokenizers = Files.list(kit.resolve("lib")).filter(p -> p.getFileName().toString().startsWith("tokenizers-")).findFirst().orElseThrow();
        try (ZipFile z = new ZipFile(tokenizers.toFile())) {
            assertTrue(z.stream().noneMatch(e -> e.getName().startsWith("native/lib/") && !e.getName().startsWith("native/lib/linux-x86_64")
                    && !e.getName().equals("native/lib/") && !e.getName().endsWith(".properties")), "tokenizers natives of other platforms");
        }

        // The rehearsal, on the libtorch 2.7.1 that the engine of this JVM extracted (Maven Central's CPU build).
        Engine.getEngine("PyTorch");
        Path out = tmp.resolve("out");
        ProcessBuilder pb = new ProcessBuilder("bash", kit.resolve("run-gpu-check.sh").toString(), "--cpu", out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("run.log").toFile());
        pb.environment().put("RLHF_CPU_LIBTORCH", LibUtils.getLibtorchPath());
        pb.environment().put("GPU_CHECK_WORK", tmp.resolve("work").toString());
        Process p = pb.start();
        boolean done = p.waitFor(240, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String log = Files.readString(tmp.resolve("run.log"), StandardCharsets.UTF_8);
        System.out.println(log);
        assertTrue(done, "run-gpu-check.sh --cpu did not finish in 240 s");

        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        assertTrue(summary.get("all_passed").getAsBoolean(), "summary: " + summary);
        assertEquals(0, p.exitValue(), log);
        List<String> checks = new ArrayList<>();
        for (JsonElement e : summary.getAsJsonArray("checks")) {
            JsonObject c = e.getAsJsonObject();
            String name = c.get("check").getAsString(), status = c.get("status").getAsString();
            checks.add(name);
            if (name.equals("hf_logits") && status.equals("skipped")) {
                assertTrue(c.get("reason").getAsString().contains("transformers not importable"), c.toString());
            } else {
                assertEquals("pass", status, c.toString());
            }
        }
        assertEquals(List.of("engine", "hf_logits", "kv_cache", "cpu_vs_device", "ppo_iteration"), checks);
        assertTrue(Files.isRegularFile(out.resolve("bench.json")));
        // The CPU rehearsal runs both sides in float32 (the GPU run: bfloat16 mixed precision, torch under autocast).
        JsonObject bench = JsonParser.parseString(Files.readString(out.resolve("bench.json"))).getAsJsonObject();
        assertEquals("float32", bench.getAsJsonObject("ours").get("precision").getAsString());
        List<String> torchLines = Files.readAllLines(out.resolve("torch_ref.jsonl"));
        if (!torchLines.isEmpty()) {
            assertEquals("float32", JsonParser.parseString(torchLines.get(0)).getAsJsonObject().get("precision").getAsString(),
                    torchLines.get(0));
        }
        try (var s = Files.list(out)) {
            assertTrue(s.count() <= 8, "at most 8 files in OUTDIR");
        }
    }
}
