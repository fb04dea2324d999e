package dev.rlhf.web.quality;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * When a labeler is flagged: gold agreement or agreement with other labelers below {@code threshold}, each
 * judged only once there are at least {@code minimumGold} gold answers / {@code minimumPairs} overlapping pairs.
 */
@ConfigurationProperties("rlhf.quality")
public record QualityProperties(@DefaultValue("0.6") double threshold, @DefaultValue("2") int minimumGold,
                                @DefaultValue("3") int minimumPairs) {
}
