package dev.rlhf.ppo.cli;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.ScalarHead;
import dev.rlhf.lm.io.HfCheckpoint;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.RewardModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI end to end on tiny Hugging Face directories: runs, prints samples, checkpoints, resumes. */
class PpoCliTest {

    static final GPT2Config CONFIG = new GPT2Config(ByteTokenizer.VOCAB_SIZE, 96, 16, 1, 2, null, "gelu_new", 1e-5,
            0.02, ByteTokenizer.EOS_ID, ByteTokenizer.EOS_ID);

    @Test
    void runsCheckpointsAndResumes(@TempDir Path tmp) throws Exception {
        Path policy = tmp.resolve("sft"), rm = tmp.resolve("rm"), posts = tmp.resolve("posts.jsonl"), out = tmp.resolve("run");
        ByteTokenizer tok = new ByteTokenizer();
        try (NDManager m = NDManager.newBaseManager()) {
            try (GPT2 g = new GPT2(CONFIG, m, 1)) {
                HfCheckpoint.save(policy, CONFIG, g.namedTensors(), Map.of(), tok);
            }
            try (RewardModel r = new RewardModel(new GPT2(CONFIG, m, 2), new ScalarHead(CONFIG.n_embd(), m, 2))) {
                r.save(rm, tok);
            }
        }
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            lines.append("{\"id\":\"p").append(i).append("\",\"subreddit\":\"test\",\"title\":\"Title ").append(i)
                    .append("\",\"post\":\"").append("a fairly long post body that must be shortened to fit ".repeat(3))
                    .append("\",\"summary\":\"short\"}\n");
        }
        Files.writeString(posts, lines.toString());
        String[] common = {"--policy", policy.toString(), "--reward-model", rm.toString(), "--prompts", posts.toString(),
                "--out", out.toString(), "--batch-size", "4", "--minibatch-size", "2", "--response-length", "8",
                "--max-prompt-tokens", "64", "--forward-batch-size", "4", "--sample-every", "1", "--checkpoint-every", "1"};

        String first = run(common, "--iterations", "2", "--whiten-rewards", "true");
        assertTrue(first.contains("samples at iteration 1"), first);
        assertTrue(Files.readString(out.resolve("checkpoint-000002/trainer_state.json")).matches("(?s).*\"whitenRewards\":\\s*true.*"),
                "the checkpoint records the option");
        assertTrue(first.contains("2/2 score"), first);
        assertTrue(Files.isDirectory(out.resolve("checkpoint-000002/policy")));
        assertTrue(Files.isRegularFile(out.resolve("checkpoint-000002/value/model.safetensors")));

        String second = run(common, "--iterations", "3");
        assertTrue(second.contains("resumed from") && second.contains("iteration 2"), second);
        assertTrue(Files.isDirectory(out.resolve("checkpoint-000003")));
        assertFalse(second.contains("\r"), "plain lines when the output is not a terminal");
        java.util.List<dev.rlhf.lm.metrics.MetricsJsonl.Row> rows =
                dev.rlhf.lm.metrics.MetricsJsonl.read(out.resolve("metrics.jsonl"));
        assertEquals(java.util.List.of(1L, 2L, 3L), rows.stream().map(dev.rlhf.lm.metrics.MetricsJsonl.Row::step).toList(),
                "one line per iteration, the resumed run adds only its new one");
        assertTrue(rows.get(2).metrics().keySet().containsAll(java.util.List.of("ppo/score", "ppo/kl", "ppo/policy_loss",
                "ppo/value_loss", "ppo/total_reward", "ppo/clip_fraction")), rows.get(2).metrics().keySet().toString());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(common, "--clip-range", "2"));
        assertTrue(e.getMessage().contains("clipRange"), e.getMessage());
        assertEquals("klCoef", TrainerOptions.camel("--kl-coef"));
    }

    private static String run(String[] common, String... more) throws Exception {
        String[] args = new String[common.length + more.length];
        System.arraycopy(common, 0, args, 0, common.length);
        System.arraycopy(more, 0, args, common.length, more.length);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PpoCli.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
