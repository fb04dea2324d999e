package dev.rlhf.web.evaluation;

import dev.rlhf.web.models.AccuracyInterval;


import java.util.List;

/**
 * A side's human win rate over the labels of an evaluation batch, ties counted as half a win, with two 95% intervals.
 *
 * <p>Notation: comparison c has n_c labels whose outcomes for the side are x = 1 (won), ½ (tie), 0 (lost);
 * S_c = Σ x over its labels; N = Σ n_c labels; C comparisons with at least one label.
 * <pre>
 *   p̂ = (wins + ties / 2) / N = Σ S_c / N
 * </pre>
 * <b>Interval over comparisons (the one shown first).</b> The K labels of one comparison share a post and a pair of
 * summaries, so they are not independent. The variance of the ratio p̂ with comparisons as clusters (the
 * cluster-robust, or linearisation, estimator):
 * <pre>
 *   V = C / (C − 1) · Σ_c (S_c − p̂ · n_c)² / N²
 * </pre>
 * It is turned into an effective number of labels n_eff = p̂(1 − p̂) / V (the binomial sample size with the same
 * variance; N / n_eff is the design effect), at most N; where p̂(1 − p̂) = 0 (every label went one way) n_eff = C
 * (each comparison counted once); where V = 0 but p̂(1 − p̂) > 0, n_eff = N. The interval is then Wilson's at n_eff.
 * With fewer than two labelled comparisons there is no such interval.
 *
 * <p><b>Wilson interval on the labels</b> (treats every label as independent, shown for comparison): Wilson at N.
 * <pre>
 *   Wilson(p̂, n) = ( p̂ + z²/(2n) ± z · √( p̂(1 − p̂)/n + z²/(4n²) ) ) / (1 + z²/n),   z = 1.959964 (95%)
 * </pre>
 */
public record WinRate(long wins, long ties, long losses, long labels, long comparisons, double rate,
                      Interval byComparison, Interval byLabel, double effectiveLabels) {

    /** A closed interval [low, high]; both NaN where there is none. */
    public record Interval(double low, double high) {
        static final Interval NONE = new Interval(Double.NaN, Double.NaN);

        public boolean exists() {
            return !Double.isNaN(low);
        }
    }

    /** One labelled comparison as seen from the side: how many of its labels it won, tied and lost. */
    public record Tally(long wins, long ties, long losses) {
        long labels() {
            return wins + ties + losses;
        }

        /** S_c = wins + ties / 2 */
        double score() {
            return wins + ties / 2.0;
        }

        /** The same comparison seen from the other side. */
        Tally flipped() {
            return new Tally(losses, ties, wins);
        }
    }

    /** The win rate over these comparisons (those without labels are ignored). */
    public static WinRate of(List<Tally> tallies) {
        List<Tally> labelled = tallies.stream().filter(t -> t.labels() > 0).toList();
        long wins = 0, ties = 0, losses = 0;
        for (Tally t : labelled) {
            wins += t.wins();
            ties += t.ties();
            losses += t.losses();
        }
        long n = wins + ties + losses;
        long c = labelled.size();
        if (n == 0) return new WinRate(0, 0, 0, 0, 0, Double.NaN, Interval.NONE, Interval.NONE, Double.NaN);
        double p = (wins + ties / 2.0) / n;
        Interval byLabel = wilson(p, n);
        if (c < 2) return new WinRate(wins, ties, losses, n, c, p, Interval.NONE, byLabel, Double.NaN);
        double sum = 0;
        for (Tally t : labelled) {
            double d = t.score() - p * t.labels();
            sum += d * d;
        }
        double v = (double) c / (c - 1) * sum / ((double) n * n);
        double binomial = p * (1 - p);
        double nEff = binomial == 0 ? c : v == 0 ? n : Math.min(n, binomial / v);
        return new WinRate(wins, ties, losses, n, c, p, wilson(p, nEff), byLabel, nEff);
    }

    /** The other side's win rate over the same labels (its wins are these losses). */
    public static WinRate ofOpponent(List<Tally> tallies) {
        return of(tallies.stream().map(Tally::flipped).toList());
    }

    /** Wilson's score interval for a proportion p observed over n trials, at 95% (see {@link AccuracyInterval}). */
    public static Interval wilson(double p, double n) {
        if (!(n > 0)) return Interval.NONE;
        double[] bounds = AccuracyInterval.wilson95(p, n);
        return new Interval(bounds[0], bounds[1]);
    }
}
