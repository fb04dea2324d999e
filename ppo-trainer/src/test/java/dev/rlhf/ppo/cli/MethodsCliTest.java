package dev.rlhf.ppo.cli;

import ai.djl.ndarray.NDManager;
import dev.rlhf.dpo.DpoMetrics;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.lm.formats.ComparisonWriter;
import dev.rlhf.reward.data.SyntheticComparisons;
import dev.rlhf.rloo.RlooMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DPO and RLOO command lines end to end on tiny Hugging Face directories: run, checkpoint, resume, refuse. */
class MethodsCliTest {

    @Test
    void dpoTrainsOnComparisonsCheckpointsAndResumes(@TempDir Path tmp) throws Exception {
        Path policy = tmp.resolve("sft"), comparisons = tmp.resolve("comparisons.jsonl"), out = tmp.resolve("dpo");
        try (NDManager m = NDManager.newBaseManager(); GPT2 g = new GPT2(PpoCliTest.CONFIG, m, 1)) {
            HfCheckpoint.save(policy, PpoCliTest.CONFIG, g.namedTensors(), Map.of(), new ByteTokenizer());
        }
        ComparisonWriter.writeAll(comparisons, new SyntheticComparisons(3, 0.0, 2).generate(12, 2));
        String[] common = {"--policy", policy.toString(), "--comparisons", comparisons.toString(), "--out", out.toString(),
                "--batch-size", "4", "--max-length", "97", "--checkpoint-every", "2", "--learning-rate", "1e-3"};

        ByteArrayOutputStream first = new ByteArrayOutputStream();
        DpoMetrics.Validation v = DpoCli.run(concat(common, "--steps", "2"), print(first));
        assertNotNull(v);
        assertTrue(v.pairs() > 0, "held-out pairs");
        assertTrue(first.toString(StandardCharsets.UTF_8).contains("dpo [##############################] 2/2 loss"), first.toString(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(out.resolve("checkpoint-000002/model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve("model.safetensors")), "the final policy in --out");

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        DpoCli.run(concat(common, "--steps", "4"), print(second));
        String s = second.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("resumed from") && s.contains("(step 2)") && s.contains("] 3/4 "), s);

        var rows = dev.rlhf.lm.metrics.MetricsJsonl.read(out.resolve("metrics.jsonl"));
        assertEquals(java.util.List.of(1L, 2L, 2L, 3L, 4L, 4L), rows.stream().map(r -> r.step()).toList(),
                "the steps, each run's held-out validation at its last step; the resumed run does not repeat 1 and 2");
        assertTrue(rows.get(3).metrics().containsKey("dpo/loss") && rows.get(5).metrics().containsKey("dpo/validation/accuracy"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DpoCli.run(concat(common, "--loss", "hinge"), print(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("loss must be sigmoid or ipo"), e.getMessage());
    }

    @Test
    void rlooRunsCheckpointsAndResumes(@TempDir Path tmp) throws Exception {
        Path policy = tmp.resolve("sft"), rm = tmp.resolve("rm"), posts = tmp.resolve("posts.jsonl"), out = tmp.resolve("rloo");
        ByteTokenizer tok = new ByteTokenizer();
        try (NDManager m = NDManager.newBaseManager()) {
            try (GPT2 g = new GPT2(PpoCliTest.CONFIG, m, 1)) {
                HfCheckpoint.save(policy, PpoCliTest.CONFIG, g.namedTensors(), Map.of(), tok);
            }
            try (RewardModel r = new RewardModel(new GPT2(PpoCliTest.CONFIG, m, 2), new ScalarHead(PpoCliTest.CONFIG.n_embd(), m, 2))) {
                r.save(rm, tok);
            }
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            lines.append("{\"id\":\"p").append(i).append("\",\"subreddit\":\"test\",\"title\":\"T").append(i)
                    .append("\",\"post\":\"a short post\",\"summary\":\"short\"}\n");
        }
        Files.writeString(posts, lines.toString());
        String[] common = {"--policy", policy.toString(), "--reward-model", rm.toString(), "--prompts", posts.toString(),
                "--out", out.toString(), "--batch-size", "2", "--samples-per-prompt", "2", "--minibatch-size", "2",
                "--response-length", "8", "--max-prompt-tokens", "64", "--checkpoint-every", "1", "--objective", "clipped"};

        ByteArrayOutputStream first = new ByteArrayOutputStream();
        RlooMetrics last = RlooCli.run(concat(common, "--iterations", "2"), print(first));
        assertEquals(2, last.iteration());
        assertTrue(Files.readString(out.resolve("checkpoint-000002/trainer_state.json")).contains("\"objective\": \"clipped\""));
        assertTrue(Files.isRegularFile(out.resolve("checkpoint-000002/config.json")), "each checkpoint is a policy directory");

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        RlooCli.run(concat(common, "--iterations", "3"), print(second));
        String s = second.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("resumed from") && s.contains("(iteration 2)") && s.contains("rloo [") && s.contains("] 3/3 score"), s);

        var rows = dev.rlhf.lm.metrics.MetricsJsonl.read(out.resolve("metrics.jsonl"));
        assertEquals(java.util.List.of(1L, 2L, 3L), rows.stream().map(r -> r.step()).toList());
        assertTrue(rows.get(2).metrics().containsKey("rloo/score"), rows.get(2).metrics().toString());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RlooCli.run(concat(common, "--samples-per-prompt", "1"), print(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("samplesPerPrompt"), e.getMessage());
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
