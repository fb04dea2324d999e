package dev.rlhf.web.labeling;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * {@code rlhf.labeling.lease}: how long a labeler holds an assignment before it returns to the pool;
 * {@code rlhf.labeling.sweep-interval}: how often expired leases are swept back.
 */
@ConfigurationProperties("rlhf.labeling")
public record LabelingProperties(Duration lease, Duration sweepInterval) {
    public LabelingProperties {
        lease = lease == null ? Duration.ofMinutes(30) : lease;
        sweepInterval = sweepInterval == null ? Duration.ofMinutes(1) : sweepInterval;
    }
}
