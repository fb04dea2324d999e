package dev.rlhf.reward;

/** How several labelers' answers on the same comparison become one label. */
public enum Aggregation {
    /** Every label is its own example. */
    NONE,
    /** The summary chosen by most labelers wins; a tie drops the comparison. */
    MAJORITY,
    /** Each label votes with its confidence (1..9; a label without confidence votes 5); a tie drops the comparison. */
    CONFIDENCE_WEIGHTED
}
