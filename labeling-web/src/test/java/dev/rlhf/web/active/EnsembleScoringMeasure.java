package dev.rlhf.web.active;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.GPT2Config;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.lm.formats.PostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Not part of the suite (its name matches no surefire pattern): times {@link EnsembleScorer} on two byte-level reward
 * models of the reward benchmark's shape (d 128, 4 layers, 4 heads, 128 positions, 843k parameters) over a pool of
 * 200 posts × 4 summaries (1,200 pairs, 800 distinct summaries). Run on demand:
 * {@code ./mvnw -B -ntp -q -pl labeling-web -am verify -Dtest=EnsembleScoringMeasure -Dsurefire.failIfNoSpecifiedTests=false},
 * the figures are in {@code labeling-web/target/surefire-reports/dev.rlhf.web.active.EnsembleScoringMeasure-output.txt}.
 */
class EnsembleScoringMeasure {
    @TempDir
    Path dir;

    @Test
    void measure() throws Exception {
        dev.rlhf.lm.OfflineEngine.use();
        ai.djl.engine.Engine.getInstance();
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        ByteTokenizer tok = new ByteTokenizer();
        GPT2Config shape = GPT2Config.of(tok.vocabSize(), 128, 128, 4, 4);
        List<Path> members = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int s = 0; s < 2; s++) {
                try (RewardModel rm = RewardModel.fromScratch(shape, m, 10 + s)) {
                    Path p = dir.resolve("m" + s);
                    rm.save(p, tok);
                    members.add(p);
                }
            }
        }
        List<CandidatePair> pairs = new ArrayList<>();
        long id = 0;
        for (int post = 0; post < 200; post++) {
            String prompt = new PostInfo("p" + post, "My roommate keeps leaving dishes in the sink, post " + post + ", what do I do?", "Dishes", "advice").prompt();
            long[] ids = new long[4];
            String[] texts = new String[4];
            for (int k = 0; k < 4; k++) { ids[k] = id++; texts[k] = "summary " + k + " of post " + post + ": roommate leaves dishes"; }
            for (int i = 0; i < 4; i++) for (int j = i + 1; j < 4; j++)
                pairs.add(new CandidatePair(post, "p" + post, prompt, ids[i], texts[i], "x", ids[j], texts[j], "y"));
        }
        try (NDManager root = NDManager.newBaseManager()) {
            EnsembleScorer.deltas(members, pairs.subList(0, 12), root, (d, t) -> {}); // warm-up
            long t0 = System.nanoTime();
            double[][] d = EnsembleScorer.deltas(members, pairs, root, (done, total) -> {});
            double s = (System.nanoTime() - t0) / 1e9;
            List<BatchSelection.Scored> scored = BatchSelection.score(pairs, d, DisagreementMeasure.STD_PROBABILITY);
            System.out.printf("ensemble scoring: pairs=%d summaries=%d members=2 seconds=%.2f summaries_per_s=%.1f pairs_per_s=%.1f pool_mean=%.5f top50_mean=%.5f random50_mean=%.5f%n",
                    pairs.size(), 800, s, 1600 / s, pairs.size() / s, BatchSelection.mean(scored),
                    BatchSelection.mean(BatchSelection.choose(scored, SelectionMethod.DISAGREEMENT, 50, 0)),
                    BatchSelection.mean(BatchSelection.choose(scored, SelectionMethod.RANDOM, 50, 0)));
        }
    }
}
