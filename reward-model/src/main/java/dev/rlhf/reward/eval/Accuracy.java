package dev.rlhf.reward.eval;

/** correct / total over a group of pairs (a tie in reward counts as wrong); accuracy is NaN-free: 0 for no pairs. */
public record Accuracy(long total, long correct, double accuracy) {

    public static Accuracy of(long correct, long total) {
        return new Accuracy(total, correct, total == 0 ? 0 : (double) correct / total);
    }

}
