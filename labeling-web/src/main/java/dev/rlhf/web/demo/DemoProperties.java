package dev.rlhf.web.demo;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code rlhf.demo.enabled}: seed demo users and data on first start (empty users table);
 * {@code rlhf.demo.pairwise-comparisons} / {@code best-of-4-comparisons}: how many comparisons each demo batch gets.
 */
@ConfigurationProperties("rlhf.demo")
public record DemoProperties(Boolean enabled, Integer pairwiseComparisons, Integer bestOf4Comparisons) {
    public DemoProperties {
        enabled = enabled == null || enabled;
        pairwiseComparisons = pairwiseComparisons == null ? 60 : pairwiseComparisons;
        bestOf4Comparisons = bestOf4Comparisons == null ? 12 : bestOf4Comparisons;
    }
}
