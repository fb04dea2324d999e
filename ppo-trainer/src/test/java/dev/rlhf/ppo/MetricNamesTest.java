package dev.rlhf.ppo;

import dev.rlhf.dpo.DpoMetrics;
import dev.rlhf.rloo.RlooMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The names (and order) under which the methods' metrics reach the sinks and the web. */
class MetricNamesTest {

    @Test
    void ppoMetricsAreNamedInSnakeCaseWithoutTheIteration() {
        Map<String, Double> m = new PpoMetrics(3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19).asMap();
        assertEquals(List.of("ppo/score", "ppo/kl", "ppo/total_reward", "ppo/entropy", "ppo/policy_loss",
                "ppo/value_loss", "ppo/clip_fraction", "ppo/approx_kl", "ppo/explained_variance", "ppo/response_length",
                "ppo/eos_fraction", "ppo/beta", "ppo/learning_rate", "ppo/grad_norm", "ppo/skipped_steps",
                "ppo/tokens_per_second", "ppo/generation_seconds", "ppo/scoring_seconds", "ppo/update_seconds"),
                List.copyOf(m.keySet()));
        assertEquals(List.of(1d, 2d, 3d, 4d, 5d, 6d, 7d, 8d, 9d, 10d, 11d, 12d, 13d, 14d, 15d, 16d, 17d, 18d, 19d),
                List.copyOf(m.values()));
    }

    @Test
    void rlooMetricsAreNamedInSnakeCaseWithoutTheIteration() {
        Map<String, Double> m = new RlooMetrics(3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15).asMap();
        assertEquals(List.of("rloo/score", "rloo/kl", "rloo/sequence_reward", "rloo/entropy", "rloo/loss",
                "rloo/clip_fraction", "rloo/approx_kl", "rloo/response_length", "rloo/eos_fraction",
                "rloo/learning_rate", "rloo/grad_norm", "rloo/skipped_steps", "rloo/generation_seconds",
                "rloo/scoring_seconds", "rloo/update_seconds"), List.copyOf(m.keySet()));
        assertEquals(List.of(1d, 2d, 3d, 4d, 5d, 6d, 7d, 8d, 9d, 10d, 11d, 12d, 13d, 14d, 15d), List.copyOf(m.values()));
    }

    @Test
    void dpoValidationIsNamedUnderDpoValidation() {
        Map<String, Double> m = new DpoMetrics.Validation(4, 0.75, 0.5, 0.25).asMap();
        assertEquals(Map.of("dpo/validation/pairs", 4d, "dpo/validation/accuracy", 0.75, "dpo/validation/margin", 0.5,
                "dpo/validation/loss", 0.25), m);
        assertEquals(List.of("dpo/validation/pairs", "dpo/validation/accuracy", "dpo/validation/margin",
                "dpo/validation/loss"), List.copyOf(m.keySet()));
    }
}
