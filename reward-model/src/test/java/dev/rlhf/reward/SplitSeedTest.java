package dev.rlhf.reward;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.tokenizer.ByteTokenizer;
import dev.rlhf.lm.Weights;
import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.reward.data.SyntheticComparisons;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split by post follows the spec's {@code splitSeed}, the model its own seed: models trained as separate runs with
 * one split seed are measured on the same posts, and an ensemble member trained alone is the member trained in the
 * ensemble.
 */
class SplitSeedTest {

    @Test
    void theSplitFollowsTheSplitSeedAndEachModelItsOwnSeed() throws Exception {
        List<Comparison> data = new SyntheticComparisons(3, 0.1, 2).generate(30, 2);
        RewardConfig config = RewardConfig.scratchDefaults();
        ByteTokenizer tok = new ByteTokenizer();
        RewardModelRun.ModelFactory factory = (m, seed) -> RewardModel.fromScratch(RewardTrainerTest.SMALL, m, seed);
        try (NDManager root = NDManager.newBaseManager("PyTorch")) {
            RewardModelRun.Result a = RewardModelRun.run(data, spec(config, 0, 0, 1), tok, factory, root, p -> { });
            RewardModelRun.Result b = RewardModelRun.run(data, spec(config, 1, 0, 1), tok, factory, root, p -> { });
            RewardModelRun.Result own = RewardModelRun.run(data, spec(config, 1, 1, 1), tok, factory, root, p -> { });
            RewardModelRun.Result ensemble = RewardModelRun.run(data, spec(config, 0, 0, 2), tok, factory, root, p -> { });
            try {
                assertEquals(6, a.validationPosts().size());                               // 20% of 30 posts
                assertEquals(sorted(PostSplit.random(data, c -> c.info().id(), 0.2, 0).validationPosts()),
                        a.validationPosts());
                assertEquals(a.validationPosts(), b.validationPosts(), "seed 1 on split seed 0 holds out split 0's posts");
                assertNotEquals(a.validationPosts(), own.validationPosts(), "split seed 1 holds out other posts");
                assertEquals(a.validationPosts(), ensemble.validationPosts());
                // the models differ by their own seeds (head, trunk and data order)
                assertTrue(Weights.maxDiff(weights(a), weights(b)) > 1e-3);
                // member 1 of the ensemble (seed 0 + 1, split seed 0) is the model of run b, bit for bit
                assertEquals(0.0, Weights.maxDiff(weights(b), RewardResumeTest.weights(ensemble.models().get(1))));
                assertEquals(b.normalisation().get(0), ensemble.normalisation().get(1));
            } finally {
                for (RewardModelRun.Result r : List.of(a, b, own, ensemble)) r.models().forEach(RewardModel::close);
            }
        }
    }

    static RewardModelRun.Spec spec(RewardConfig config, long seed, long splitSeed, int ensembleSize) {
        return new RewardModelRun.Spec(PreferenceOptions.defaults(), config.withSeed(seed), 0.2, false, splitSeed, "ref",
                ensembleSize, List.of());
    }

    static Map<String, float[]> weights(RewardModelRun.Result r) {
        return RewardResumeTest.weights(r.models().get(0));
    }

    static List<String> sorted(java.util.Set<String> posts) {
        return posts.stream().sorted().toList();
    }
}
