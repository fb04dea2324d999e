package dev.rlhf.reward.eval;

/** Validation accuracy of a model trained on the first {@code trainingExamples} examples. */
public record LearningCurvePoint(int trainingExamples, double accuracy) {
}
