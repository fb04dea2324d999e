package dev.rlhf.lm.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlhf.lm.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bin/rlhf generate} on the tiny checkpoints of every family (hf-tiny-families). */
class GenerateCliTest {

    static Path dir(String family) throws Exception {
        return Path.of(GenerateCliTest.class.getResource("/hf-tiny-families").toURI()).resolve(family);
    }

    static String run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            GenerateCli.run(args, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static int[] ints(JsonArray a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
        return out;
    }

    /** The prompt is encoded with the tokenizer's special tokens and the greedy ids are the reference implementation's. */
    @ParameterizedTest
    @ValueSource(strings = {"llama", "llama3", "qwen2", "mistral", "neox"})
    void greedyJsonMatchesTheReference(String family) throws Exception {
        String out = run("--model", dir(family).toString(), "--prompt", "the cat sat", "--max-new-tokens", "6",
                "--temperature", "0", "--json");
        String[] lines = out.strip().split("\n");
        assertEquals(1, lines.length, out);
        JsonObject o = JsonParser.parseString(lines[0]).getAsJsonObject();
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            Map<String, NDArray> e = SafeTensors.read(dir(family).resolve("expected.safetensors"), m);
            assertArrayEquals(Arrays.stream(e.get("prompt_ids").toLongArray()).mapToInt(Math::toIntExact).toArray(),
                    ints(o.getAsJsonArray("prompt_ids")), family);
            assertArrayEquals(Arrays.stream(e.get("greedy_ids").toLongArray()).mapToInt(Math::toIntExact).toArray(),
                    ints(o.getAsJsonArray("ids")), family);
        }
        assertTrue(o.has("text"));
    }

    @Test
    void postsAreSampledReproduciblyWithTopKAndTopP(@TempDir Path tmp) throws Exception {
        Path posts = tmp.resolve("posts.jsonl");
        Files.writeString(posts, "{\"id\":\"a\",\"subreddit\":\"cats\",\"title\":\"the cat\",\"post\":\"the cat sat on the mat\",\"summary\":\"cat\"}\n"
                + "{\"id\":\"b\",\"subreddit\":\"dogs\",\"title\":\"dog\",\"post\":\"the dog ate the food\",\"summary\":\"dog\"}\n");
        String[] args = {"--model", dir("llama").toString(), "--prompts", posts.toString(), "--max-new-tokens", "5",
                "--temperature", "1.0", "--top-k", "50", "--top-p", "0.95", "--seed", "3", "--json"};
        String first = run(args), second = run(args);
        assertEquals(first, second);
        String[] lines = first.strip().split("\n");
        assertEquals(2, lines.length);
        for (String line : lines) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            assertTrue(o.getAsJsonArray("ids").size() >= 1 && o.getAsJsonArray("ids").size() <= 5, line);
        }
        args[args.length - 2] = "4";
        assertNotEquals(first, run(args), "another seed, other samples");
        String plain = run("--model", dir("mistral").toString(), "--prompt", "hello", "--max-new-tokens", "3",
                "--temperature", "0");
        assertEquals(1, plain.strip().split("\n").length);
    }

    @Test
    void exactlyOnePromptSourceIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run("--model", dir("llama").toString(), "--max-new-tokens", "2"));
        assertTrue(e.getMessage().contains("--prompt"), e.getMessage());
    }
}
