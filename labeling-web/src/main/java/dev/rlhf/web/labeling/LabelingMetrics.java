package dev.rlhf.web.labeling;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * Labeling's meters: {@code rlhf_labels_submitted_total} counts labels stored (a retry answered from the stored label
 * is not counted again), {@code rlhf_labeling_submit_seconds} is the latency histogram of a submission.
 */
@Component
class LabelingMetrics {
    final Counter stored;
    final Timer submit;

    LabelingMetrics(MeterRegistry registry) {
        stored = Counter.builder("rlhf.labels.submitted").description("Labels stored").register(registry);
        submit = Timer.builder("rlhf.labeling.submit").description("Time to handle a label submission")
                .publishPercentileHistogram().register(registry);
    }
}
