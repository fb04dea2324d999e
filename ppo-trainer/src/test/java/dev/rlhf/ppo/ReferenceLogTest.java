package dev.rlhf.ppo;

import dev.rlhf.lm.CausalLm;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.Devices;
import dev.rlhf.lm.GPT2;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.LrShape;
import dev.rlhf.reward.Preference;
import dev.rlhf.reward.PreferenceBuilder;
import dev.rlhf.reward.PreferenceOptions;
import dev.rlhf.reward.RewardConfig;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.reward.RewardProgress;
import dev.rlhf.reward.RewardTrainer;
import dev.rlhf.reward.data.SyntheticComparisons;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A reference log in the manner of summarize_from_feedback_details: the first steps of two fixed, seeded, tiny runs,
 * stored in {@value #FILE} and reproduced here to a relative 1e-4 of each printed number (six significant digits).
 * On one machine the same seed gives the same bits ({@link GcDeterminismTest}); between CPUs libtorch may pick other
 * vector kernels, which moves the last printed digit, so the comparison allows that and nothing more: a changed
 * computation moves the numbers by far more, and a flipped sample changes the PPO lines outright.
 * <ul>
 *   <li>reward-model training on generated comparisons: loss, accuracy and gradient norm of each of its 12 steps;</li>
 *   <li>PPO on the tiny byte-level setup of {@link TinySetup} (reward: the count of 'a'): score, KL and the update's
 *       diagnostics of each of 6 iterations.</li>
 * </ul>
 * A change that is meant to move these numbers (an optimizer fix, a new truncation rule) rewrites the file with
 * {@value #REGENERATE}; review the diff of the file with the change.
 */
class ReferenceLogTest {

    static final String FILE = "src/test/resources/reference-log.jsonl";
    static final String REGENERATE = "./mvnw -B -ntp -q -pl ppo-trainer -am test -Dtest=ReferenceLogTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dreference.log.write=true";

    @Test
    void reproducesTheStoredReferenceLog() throws Exception {
        List<String> actual = new ArrayList<>();
        actual.add("{\"about\":\"first steps of a tiny reward-model run and a tiny PPO run (ReferenceLogTest)\","
                + "\"regenerate\":\"" + REGENERATE + "\"}");
        actual.addAll(rewardModelSteps());
        actual.addAll(ppoIterations());

        Path file = Path.of(FILE);
        if (Boolean.getBoolean("reference.log.write")) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, actual, StandardCharsets.UTF_8);
            System.out.println("wrote " + actual.size() + " lines to " + file.toAbsolutePath());
            return;
        }
        if (!Files.isRegularFile(file)) fail(file.toAbsolutePath() + " is missing; write it with " + REGENERATE);
        List<String> expected = Files.readAllLines(file, StandardCharsets.UTF_8);
        int differing = 0;
        String first = null;
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            String e = i < expected.size() ? expected.get(i) : "(none)", a = i < actual.size() ? actual.get(i) : "(none)";
            if (!sameWithinTolerance(e, a)) {
                differing++;
                if (first == null) first = "line " + (i + 1) + "\n  stored:   " + e + "\n  computed: " + a;
            }
        }
        if (differing > 0) {
            actual.forEach(System.out::println);
            fail(differing + " of " + expected.size() + " lines of " + FILE + " differ; first at " + first
                    + "\nIf the change is meant to move these numbers, rewrite the file with " + REGENERATE);
        }
    }

    /** The same keys in the same order, equal text, and numbers within a relative 1e-4 (at least 1e-7 apart allowed). */
    static boolean sameWithinTolerance(String expected, String actual) {
        if (expected.equals(actual)) return true;
        if (!expected.startsWith("{") || !actual.startsWith("{")) return false;
        com.google.gson.JsonObject e = com.google.gson.JsonParser.parseString(expected).getAsJsonObject();
        com.google.gson.JsonObject a = com.google.gson.JsonParser.parseString(actual).getAsJsonObject();
        if (!new ArrayList<>(e.keySet()).equals(new ArrayList<>(a.keySet()))) return false;
        for (String k : e.keySet()) {
            com.google.gson.JsonElement x = e.get(k), y = a.get(k);
            if (x.isJsonPrimitive() && x.getAsJsonPrimitive().isNumber() && y.isJsonPrimitive() && y.getAsJsonPrimitive().isNumber()) {
                double u = x.getAsDouble(), v = y.getAsDouble();
                if (Math.abs(u - v) > Math.max(1e-7, 1e-4 * Math.abs(u))) return false;
            } else if (!x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    /** 400 generated comparisons (25% of labels flipped), one epoch of batches of 32 on a tiny byte-level model. */
    static List<String> rewardModelSteps() {
        List<Preference> data = PreferenceBuilder.build(new SyntheticComparisons(7, 0.25, 2).generate(200, 2),
                PreferenceOptions.defaults()).preferences();
        RewardConfig config = RewardConfig.defaults().withLearningRate(1e-3, 1e-4).withBatch(32, 32).withEpochs(1)
                .withSchedule(0.05, LrShape.COSINE);
        List<RewardProgress> steps = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             RewardModel model = RewardModel.fromScratch(GPT2Config.of(ByteTokenizer.VOCAB_SIZE, 128, 32, 2, 2), root, 3);
             RewardTrainer trainer = new RewardTrainer(model, new ByteTokenizer(), config)) {
            trainer.addListener(steps::add).train(data);
        }
        assertEquals(13, steps.size(), "steps of the reward-model run");
        List<String> lines = new ArrayList<>();
        for (RewardProgress p : steps) {
            assertTrue(Double.isFinite(p.gradNorm()), "step " + p.step() + " had a non-finite gradient norm (a skipped step)");
            lines.add("{\"run\":\"reward_model\",\"step\":" + p.step() + ",\"loss\":" + num(p.loss()) + ",\"accuracy\":"
                    + num(p.accuracy()) + ",\"lr\":" + num(p.learningRate()) + ",\"grad_norm\":" + num(p.gradNorm()) + "}");
        }
        return lines;
    }

    /** Six iterations of the tiny PPO set-up with β 0.05. */
    static List<String> ppoIterations() throws Exception {
        List<PpoMetrics> history = new ArrayList<>();
        try (NDManager root = NDManager.newBaseManager(Devices.best(), "PyTorch");
             GPT2 sft = TinySetup.sftModel(root);
             CausalLm policy = PpoModels.copyOf(sft, root);
             CausalLm reference = PpoModels.copyOf(sft, root);
             ValueModel value = TinySetup.valueModel(root, 21);
             PpoTrainer trainer = new PpoTrainer(TinySetup.config(6, 0.05), policy, reference, value,
                     TinySetup.countOfA(), TinySetup.TOKENIZER, TinySetup.prompts(200, 9))) {
            trainer.addListener(history::add);
            trainer.train();
        }
        assertEquals(6, history.size());
        List<String> lines = new ArrayList<>();
        for (PpoMetrics m : history) {
            assertEquals(0, m.skippedSteps(), "iteration " + m.iteration() + " skipped steps with a non-finite gradient norm");
            lines.add("{\"run\":\"ppo\",\"iteration\":" + m.iteration() + ",\"score\":" + num(m.score()) + ",\"kl\":"
                    + num(m.kl()) + ",\"entropy\":" + num(m.entropy()) + ",\"policy_loss\":" + num(m.policyLoss())
                    + ",\"value_loss\":" + num(m.valueLoss()) + ",\"approx_kl\":" + num(m.approxKl())
                    + ",\"clip_fraction\":" + num(m.clipFraction()) + ",\"response_length\":" + num(m.responseLength()) + "}");
        }
        return lines;
    }

    /** Six significant digits, as a JSON number. */
    static String num(double x) {
        assertTrue(Double.isFinite(x), "a logged value is not finite: " + x);
        return String.format(Locale.ROOT, "%.6g", x);
    }
}
