package dev.rlhf.lm.cli;

import dev.rlhf.lm.CausalLm;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.Sampler;
import dev.rlhf.lm.SamplingConfig;
import dev.rlhf.lm.TrainingListener;
import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SFT command trains a byte-level model from scratch on a TL;DR file, checkpoints it, and the result loads. */
class SftCliTest {

    @Test
    void trainsFromScratchAndWritesLoadableCheckpoints(@TempDir Path dir) throws Exception {
        // Every summary is "ok": the model must learn to answer any post with " ok" then EOS.
        Path data = dir.resolve("posts.jsonl");
        StringBuilder jsonl = new StringBuilder();
        String[] subs = {"cats", "cooking", "running", "money"};
        for (int i = 0; i < 24; i++) {
            jsonl.append(String.format("{\"id\":\"p%d\",\"subreddit\":\"%s\",\"title\":\"t%d\",\"post\":\"post %d\",\"summary\":\"ok\"}%n",
                    i, subs[i % 4], i, i));
        }
        Files.writeString(data, jsonl);
        Path out = dir.resolve("sft");
        List<Double> losses = new ArrayList<>();
        TrainingListener.Progress last = SftCli.run(new String[] {
                "--data", data.toString(), "--out", out.toString(), "--n-layer", "1", "--n-head", "2",
                "--n-embd", "32", "--n-positions", "96", "--steps", "60", "--batch-size", "8", "--learning-rate", "3e-3",
                "--min-learning-rate", "3e-4", "--warmup-steps", "5", "--checkpoint-every", "30", "--seed", "1"},
                p -> losses.add(p.loss()));
        assertEquals(60, last.step());
        assertTrue(losses.get(losses.size() - 1) < 0.25 * losses.get(0),
                "loss fell from " + losses.get(0) + " to " + losses.get(losses.size() - 1));
        assertTrue(Files.exists(out.resolve("checkpoint-30/model.safetensors")));
        assertTrue(Files.exists(out.resolve("model.safetensors")));
        List<dev.rlhf.lm.metrics.MetricsJsonl.Row> rows = dev.rlhf.lm.metrics.MetricsJsonl.read(out.resolve("metrics.jsonl"));
        assertEquals(60, rows.size(), "one metrics.jsonl line per step");
        assertEquals(1, rows.get(0).step());
        assertEquals(losses.get(59), rows.get(59).metrics().get("sft/loss"), 1e-12);
        assertTrue(rows.get(59).metrics().keySet().containsAll(
                List.of("sft/loss", "sft/learning_rate", "sft/grad_norm", "sft/tokens_per_second")));

        Tokenizer tok = Tokenizers.load(out);
        TldrPost unseen = new TldrPost("x", "cats", "new", "a post never seen", "");
        try (NDManager m = NDManager.newBaseManager()) {
            HfCheckpoint ckpt = HfCheckpoint.load(out, m);
            try (CausalLm model = ckpt.model(m)) {
                Sampler.Result r = new Sampler(model).generate(new int[][] {tok.encode(unseen.prompt())},
                        SamplingConfig.greedy(6));
                int[] generated = java.util.Arrays.copyOf(r.tokens()[0], r.lengths()[0]);
                assertEquals(" ok", tok.decode(generated), "greedy completion");
            }
        }
    }

    @Test
    void badOptionsAndBadLinesAreNamed(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("posts.jsonl");
        Files.writeString(data, "{\"id\":\"1\",\"subreddit\":\"a\",\"title\":\"t\",\"post\":\"p\",\"summary\":\"s\"}\n{\"id\":\"2\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SftCli.run(new String[] {"--data", data.toString(), "--out", dir.toString(), "--stpes", "3"}, p -> { }));
        assertTrue(e.getMessage().contains("--stpes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SftCli.run(new String[] {"--data", data.toString(), "--out", dir.toString(), "--learning-rate", "fast"}, p -> { }));
        assertTrue(e.getMessage().contains("--learning-rate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SftCli.run(new String[] {"--data", data.toString(), "--out", dir.toString(), "--steps", "2"}, p -> { }));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
