package dev.rlhf.reward;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.rlhf.lm.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/** Scores (prompt, summary) texts with a reward model, in batches, each in its own sub-manager, without gradients. */
public final class RewardScorer {

    /** One text to score. */
    public record Candidate(String prompt, String summary) {
    }

    private final RewardModel model;
    private final SequenceEncoder encoder;
    private final int batchSize;

    public RewardScorer(RewardModel model, Tokenizer tokenizer, int maxTokens, int batchSize) {
        this.model = model;
        int n = model.config().max_position_embeddings();
        this.encoder = new SequenceEncoder(tokenizer, maxTokens > 0 ? Math.min(maxTokens, n) : n);
        this.batchSize = batchSize;
    }

    public RewardScorer(RewardModel model, Tokenizer tokenizer) {
        this(model, tokenizer, 0, 64);
    }

    /** r(x, y) for each candidate, in order. */
    public double[] score(List<Candidate> candidates) {
        List<int[]> seqs = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) seqs.add(encoder.encode(c.prompt(), c.summary()));
        return scoreEncoded(seqs);
    }

    /** The rewards of every candidate of every preference: result[i][j] = r(prompt_i, candidate_ij). */
    public double[][] scorePreferences(List<Preference> preferences) {
        List<int[]> seqs = new ArrayList<>();
        for (Preference p : preferences) for (int[] s : encoder.encode(p)) seqs.add(s);
        double[] flat = scoreEncoded(seqs);
        double[][] out = new double[preferences.size()][];
        int k = 0;
        for (int i = 0; i < out.length; i++) {
            out[i] = new double[preferences.get(i).size()];
            for (int j = 0; j < out[i].length; j++) out[i][j] = flat[k++];
        }
        return out;
    }

    /** Told after every scored batch how many of how many sequences are scored. */
    @FunctionalInterface
    public interface Progress {
        void scored(long done, long total);
    }

    private Progress progress = (done, total) -> { };

    /** Reports every scored batch to {@code progress}; returns this scorer. */
    public RewardScorer progress(Progress progress) {
        this.progress = progress;
        return this;
    }

    private double[] scoreEncoded(List<int[]> seqs) {
        double[] out = new double[seqs.size()];
        for (int i = 0; i < seqs.size(); i += batchSize) {
            List<int[]> chunk = seqs.subList(i, Math.min(seqs.size(), i + batchSize));
            try (NDManager m = model.manager().newSubManager()) {
                NDArray[] idsMask = SequenceEncoder.batch(chunk, encoder.tokenizer().eosId(), m);
                float[] r = model.rewards(idsMask[0], idsMask[1]).toFloatArray();
                for (int j = 0; j < r.length; j++) out[i + j] = r[j];
            }
            progress.scored(Math.min(seqs.size(), i + batchSize), seqs.size());
        }
        return out;
    }
}
