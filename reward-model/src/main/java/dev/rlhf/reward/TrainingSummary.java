package dev.rlhf.reward;

/**
 * What a training run did.
 *
 * @param steps           optimizer steps
 * @param examples        examples read (over all epochs)
 * @param tokens          real tokens read
 * @param seconds         wall time of the steps
 * @param pairsPerSecond  examples / seconds
 * @param tokensPerSecond tokens / seconds
 * @param tailLoss        mean loss over the last 10% of steps
 * @param tailAccuracy    mean training accuracy over the last 10% of steps
 */
public record TrainingSummary(int steps, long examples, long tokens, double seconds, double pairsPerSecond,
                              double tokensPerSecond, double tailLoss, double tailAccuracy) {
}
