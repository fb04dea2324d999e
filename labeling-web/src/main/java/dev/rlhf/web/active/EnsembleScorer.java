package dev.rlhf.web.active;

import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.tokenizer.Tokenizer;
import dev.rlhf.lm.tokenizer.Tokenizers;
import dev.rlhf.reward.RewardModel;
import dev.rlhf.reward.RewardScorer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each ensemble member's Δr = r(x, A) − r(x, B) on every candidate pair. Every distinct summary is scored once per
 * member (a summary in several pairs costs one forward pass), with the member's own tokenizer, and one member is in
 * memory at a time. After every chunk of {@link #CHUNK} summaries the progress callback hears how many of the
 * members × summaries are done (it may throw to stop).
 */
public final class EnsembleScorer {
    static final int CHUNK = 64;

    public interface Progress {
        void scored(int done, int total);
    }

    private EnsembleScorer() {
    }

    /** result[pair][member] = Δr of that member on that pair. */
    public static double[][] deltas(List<Path> members, List<CandidatePair> pairs, NDManager root, Progress progress)
            throws Exception {
        Map<Long, Integer> index = new LinkedHashMap<>();
        List<RewardScorer.Candidate> candidates = new ArrayList<>();
        for (CandidatePair p : pairs) {
            if (index.putIfAbsent(p.summaryA(), candidates.size()) == null) candidates.add(new RewardScorer.Candidate(p.prompt(), p.textA()));
            if (index.putIfAbsent(p.summaryB(), candidates.size()) == null) candidates.add(new RewardScorer.Candidate(p.prompt(), p.textB()));
        }
        int total = members.size() * candidates.size();
        double[][] deltas = new double[pairs.size()][members.size()];
        for (int m = 0; m < members.size(); m++) {
            double[] r = new double[candidates.size()];
            Tokenizer tokenizer = Tokenizers.load(members.get(m));
            try (NDManager manager = root.newSubManager(); RewardModel model = RewardModel.load(members.get(m), manager)) {
                RewardScorer scorer = new RewardScorer(model, tokenizer);
                for (int from = 0; from < candidates.size(); from += CHUNK) {
                    int to = Math.min(candidates.size(), from + CHUNK);
                    double[] chunk = scorer.score(candidates.subList(from, to));
                    System.arraycopy(chunk, 0, r, from, chunk.length);
                    progress.scored(m * candidates.size() + to, total);
                }
            } finally {
                if (tokenizer instanceof AutoCloseable c) c.close();
            }
            for (int i = 0; i < pairs.size(); i++) {
                deltas[i][m] = r[index.get(pairs.get(i).summaryA())] - r[index.get(pairs.get(i).summaryB())];
            }
        }
        return deltas;
    }
}
