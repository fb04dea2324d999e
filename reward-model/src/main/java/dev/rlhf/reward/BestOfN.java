package dev.rlhf.reward;

/** What a comparison of more than two summaries (best-of-4) trains as. */
public enum BestOfN {
    /** One example with the k-way softmax loss −log softmax(r)_chosen (Ziegler et al., 2019). */
    SOFTMAX,
    /** Its k − 1 implied pairs, chosen ≻ each other summary, each with the pairwise loss. */
    PAIRS
}
