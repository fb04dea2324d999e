package dev.rlhf.reward;

import dev.rlhf.lm.tokenizer.Tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Several reward models of the same data (different seeds), used together: their mean reward, and their
 * disagreement on unlabeled pairs, which ranks the pairs most worth sending to labelers next.
 */
public final class RewardEnsemble implements AutoCloseable {

    /** An unlabeled pair to rank: the prompt and two candidate summaries A and B. */
    public record Pair(String prompt, String a, String b) {
    }

    /** A pair with its members' disagreement. */
    public record Ranked(Pair pair, Disagreement disagreement) {
    }

    private final List<RewardModel> members;
    private final Tokenizer tokenizer;

    public RewardEnsemble(List<RewardModel> members, Tokenizer tokenizer) {
        if (members.isEmpty()) throw new IllegalArgumentException("an ensemble needs at least one member");
        this.members = List.copyOf(members);
        this.tokenizer = tokenizer;
    }

    public List<RewardModel> members() {
        return members;
    }

    /** Each member's Δr = r(x, A) − r(x, B) per pair: result[pair][member]. */
    public double[][] deltas(List<Pair> pairs) {
        List<RewardScorer.Candidate> candidates = new ArrayList<>();
        for (Pair p : pairs) {
            candidates.add(new RewardScorer.Candidate(p.prompt(), p.a()));
            candidates.add(new RewardScorer.Candidate(p.prompt(), p.b()));
        }
        double[][] out = new double[pairs.size()][members.size()];
        for (int m = 0; m < members.size(); m++) {
            double[] r = new RewardScorer(members.get(m), tokenizer).score(candidates);
            for (int i = 0; i < pairs.size(); i++) out[i][m] = r[2 * i] - r[2 * i + 1];
        }
        return out;
    }

    /**
     * The pairs sorted by disagreement, highest first, by the std of P(A ≻ B) across members
     * ({@code byProbability}) or by the std of Δr.
     */
    public List<Ranked> rank(List<Pair> pairs, boolean byProbability) {
        double[][] d = deltas(pairs);
        List<Ranked> ranked = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) ranked.add(new Ranked(pairs.get(i), Disagreement.of(d[i])));
        ToDoubleFunction<Ranked> key = byProbability ? r -> r.disagreement().stdProbability()
                : r -> r.disagreement().stdDelta();
        ranked.sort(Comparator.comparingDouble(key).reversed());
        return ranked;
    }

    @Override
    public void close() {
        for (RewardModel m : members) m.close();
    }
}
