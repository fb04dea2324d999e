package dev.rlhf.web.labeling;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Returns abandoned assignments to the pool every {@code rlhf.labeling.sweep-interval}. */
@Component
class LeaseSweeper {
    private static final Logger log = LoggerFactory.getLogger(LeaseSweeper.class);
    private final AssignmentService assignments;

    LeaseSweeper(AssignmentService assignments) {
        this.assignments = assignments;
    }

    @Scheduled(fixedDelayString = "${rlhf.labeling.sweep-interval:1m}", initialDelayString = "${rlhf.labeling.sweep-interval:1m}")
    void sweep() {
        int expired = assignments.expireLeases();
        if (expired > 0) {
            log.info("{} expired assignment(s) returned to the pool", expired);
        }
    }
}
