package dev.rlhf.reward;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.tokenizer.HfTokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.Summary;
import dev.rlhf.reward.data.SyntheticComparisons;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RewardModelIoTest {

    static final GPT2Config SMALL = GPT2Config.of(ByteTokenizer.VOCAB_SIZE, 96, 32, 2, 2);

    /** Every summary with policy "ref" in the comparisons, with its post's prompt. */
    static List<RewardScorer.Candidate> references(List<Comparison> comparisons) {
        List<RewardScorer.Candidate> refs = new ArrayList<>();
        for (Comparison c : comparisons) {
            for (Summary s : c.summaries()) {
                if ("ref".equals(s.policy())) refs.add(new RewardScorer.Candidate(c.info().prompt(), s.text()));
            }
        }
        return refs;
    }

    @Test
    void normalisedModelSurvivesSaveAndLoad(@TempDir Path dir) throws IOException {
        List<Comparison> data = new SyntheticComparisons(11, 0.25, 2).generate(40, 1);
        List<Preference> prefs = PreferenceBuilder.build(data, PreferenceOptions.defaults()).preferences();
        List<RewardScorer.Candidate> refs = references(data);
        assertTrue(refs.size() > 10);
        ByteTokenizer tok = new ByteTokenizer();
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             RewardModel model = RewardModel.fromScratch(SMALL, root, 5)) {
            // A few steps so the head and trunk are not at their initial values.
            try (RewardTrainer t = new RewardTrainer(model, tok, RewardConfig.defaults().withLearningRate(1e-3, 1e-3)
                    .withBatch(8, 4))) {
                t.train(prefs.subList(0, 24));
            }
            RewardScorer scorer = new RewardScorer(model, tok, 0, 7);  // odd batch so chunks differ in padding
            double rawMean = mean(scorer.score(refs));
            double biasBefore = model.bias();
            Normalisation n = Normalisation.apply(model, scorer, refs, "policy ref", false);
            assertEquals(rawMean, n.offset(), 1e-5);
            assertEquals(1.0, n.gain());
            assertNotEquals(0.0, n.offset());
            assertEquals(biasBefore - n.offset(), model.bias(), 1e-5);
            assertEquals(0.0, mean(scorer.score(refs)), 1e-3);
            double[][] before = scorer.scorePreferences(prefs);

            model.save(dir, tok, new RewardModelMetadata(n, "scratch", RewardConfig.defaults(), null));
            assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
            assertTrue(Files.isRegularFile(dir.resolve("config.json")));
            RewardModelMetadata meta = RewardModelMetadata.read(dir);
            assertEquals(n, meta.normalization());
            assertEquals(RewardConfig.defaults(), meta.config());

            try (RewardModel loaded = RewardModel.load(dir, root)) {
                RewardScorer again = new RewardScorer(loaded, Tokenizers.load(dir), 0, 64);
                assertEquals(0.0, mean(again.score(refs)), 1e-3);
                double[][] after = again.scorePreferences(prefs);
                for (int i = 0; i < before.length; i++) assertArrayEquals(before[i], after[i], 1e-5);
            }
        }
    }

    @Test
    void gainAndBiasFittedByHand() {
        // r = 1, 2, 3, 6: μ = 3; population variance (4 + 1 + 0 + 9) / 4 = 3.5, σ = 1.8708287;
        // g = 1/σ = 0.5345225, b = −g·μ = −1.6035675; normalised: (−2, −1, 0, 3)·g = −1.069045, −0.534522, 0, 1.603567
        Normalisation n = Normalisation.fit(new double[] {1, 2, 3, 6}, true, "hand");
        assertEquals(3.0, n.offset(), 1e-12);
        assertEquals(0.5345225, n.gain(), 1e-7);
        assertEquals(-1.6035675, n.bias(), 1e-7);
        assertEquals(-1.0690450, n.normalised(1), 1e-7);
        assertEquals(1.6035675, n.normalised(6), 1e-7);
        assertEquals(4, n.referenceCount());
        // offset only (the default): gain 1, b = −μ
        Normalisation offsetOnly = Normalisation.fit(new double[] {1, 2, 3, 6}, false, "hand");
        assertEquals(3.0, offsetOnly.offset(), 1e-12);
        assertEquals(1.0, offsetOnly.gain());
        assertEquals(-3.0, offsetOnly.bias(), 1e-12);
        // references that all score the same have no scale to fit
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Normalisation.fit(new double[] {2, 2, 2}, true, "hand"));
        assertTrue(e.getMessage().startsWith("normaliseGain: cannot fit a gain, the 3 reference summaries all score 2.0"),
                e.getMessage());
        assertEquals(2.0, Normalisation.fit(new double[] {2, 2, 2}, false, "hand").offset(), 1e-12);
    }

    /**
     * With the gain, the references score mean 0 and standard deviation 1; the folded head gives every candidate
     * g·r + b of its raw reward r, before and after save + load.
     */
    @Test
    void gainAndBiasFoldedIntoTheHead(@TempDir Path dir) throws IOException {
        List<Comparison> data = new SyntheticComparisons(11, 0.25, 2).generate(40, 1);
        List<Preference> prefs = PreferenceBuilder.build(data, PreferenceOptions.defaults()).preferences();
        List<RewardScorer.Candidate> refs = references(data);
        List<RewardScorer.Candidate> all = new ArrayList<>();
        for (Comparison c : data) for (Summary s : c.summaries()) all.add(new RewardScorer.Candidate(c.info().prompt(), s.text()));
        ByteTokenizer tok = new ByteTokenizer();
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             RewardModel model = RewardModel.fromScratch(SMALL, root, 5)) {
            try (RewardTrainer t = new RewardTrainer(model, tok, RewardConfig.scratchDefaults().withBatch(8, 4))) {
                t.train(prefs.subList(0, 24));
            }
            RewardScorer scorer = new RewardScorer(model, tok, 0, 7);
            double[] raw = scorer.score(all);
            double[] rawRefs = scorer.score(refs);
            Normalisation n = Normalisation.apply(model, scorer, refs, "policy ref", true);
            assertEquals(mean(rawRefs), n.offset(), 1e-6);
            assertEquals(1 / std(rawRefs), n.gain(), 1e-6 * n.gain());
            assertNotEquals(1.0, n.gain(), 1e-3);

            double[] refsAfter = scorer.score(refs);
            assertEquals(0.0, mean(refsAfter), 1e-4);
            assertEquals(1.0, std(refsAfter), 1e-4);
            double[] folded = scorer.score(all);                       // the head with g and b folded in
            for (int i = 0; i < raw.length; i++) {
                double applied = n.gain() * raw[i] + n.bias();         // g·r + b applied after the raw head
                assertEquals(applied, folded[i], 1e-4 * Math.max(1, Math.abs(applied)), "candidate " + i);
            }
            model.save(dir, tok, new RewardModelMetadata(n, "scratch", RewardConfig.scratchDefaults().withNormaliseGain(true), null));
            assertEquals(n, RewardModelMetadata.read(dir).normalization());
            assertTrue(RewardModelMetadata.read(dir).config().normaliseGain());
            try (RewardModel loaded = RewardModel.load(dir, root)) {
                assertArrayEquals(folded, new RewardScorer(loaded, tok, 0, 64).score(all), 1e-5);
            }
        }
    }

    /** The trunk of lm's Hugging Face fixture (BPE tokenizer, 32 positions) trains, saves and loads with its tokenizer. */
    @Test
    void initialisedFromAHuggingFaceCheckpoint(@TempDir Path dir) throws Exception {
        Path fixture = Path.of("../lm/src/test/resources/hf-tiny-gpt2");
        // the fixture's 32 positions hold no TL;DR header (≈46 tokens with its 40 merges): short prompts instead
        List<Preference> prefs = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            prefs.add(new Preference("p" + i, "post " + i + ":", List.of("good " + i, "bad"), 0, 1, 0, "w", null, null));
        }
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             HfTokenizer tok = HfTokenizer.load(fixture.resolve(HfTokenizer.FILE));
             RewardModel model = RewardModel.initFrom(fixture, root, 1)) {
            assertEquals(32, model.config().max_position_embeddings());
            double[][] before = new RewardScorer(model, tok).scorePreferences(prefs);
            try (RewardTrainer t = new RewardTrainer(model, tok, RewardConfig.defaults().withLearningRate(1e-2, 1e-2)
                    .withBatch(3, 3))) {
                t.train(prefs);
            }
            double[][] trained = new RewardScorer(model, tok).scorePreferences(prefs);
            assertNotEquals(before[0][0], trained[0][0]);
            model.save(dir, tok);
            assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
            try (RewardModel loaded = RewardModel.load(dir, root)) {
                double[][] after = new RewardScorer(loaded, tok).scorePreferences(prefs);
                for (int i = 0; i < trained.length; i++) assertArrayEquals(trained[i], after[i], 1e-5);
            }
        }
    }

    @Test
    void aDirectoryWithoutAHeadOrMetadataIsRefused(@TempDir Path dir) throws IOException {
        try (NDManager root = NDManager.newBaseManager("PyTorch");
             RewardModel model = RewardModel.fromScratch(SMALL, root, 5)) {
            dev.rlhf.lm.io.HfCheckpoint.save(dir, SMALL, model.trunk().namedTensors());
            IOException e = assertThrows(IOException.class, () -> RewardModel.load(dir, root));
            assertTrue(e.getMessage().contains("score.weight is missing"), e.getMessage());
            e = assertThrows(IOException.class, () -> RewardModelMetadata.read(dir));
            assertTrue(e.getMessage().contains("no reward_model.json"), e.getMessage());
        }
    }

    /** Population standard deviation sqrt((1/n)·Σ (x − mean)²). */
    static double std(double[] x) {
        double m = mean(x), ss = 0;
        for (double v : x) ss += (v - m) * (v - m);
        return Math.sqrt(ss / x.length);
    }

    static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }
}
