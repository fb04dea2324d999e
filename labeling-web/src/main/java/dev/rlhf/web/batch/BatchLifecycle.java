package dev.rlhf.web.batch;

import dev.rlhf.web.api.ApiProblem;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Moves a batch between states: DRAFT → OPEN (resume: PAUSED → OPEN), OPEN → PAUSED, and anything but CLOSED →
 * CLOSED. Only OPEN batches hand out work; a labeler's assignment in a batch that is no longer OPEN is released
 * the next time they ask for work. Imported batches stay CLOSED (their labels are already complete).
 */
@Service
public class BatchLifecycle {
    private final JdbcClient jdbc;

    BatchLifecycle(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    public BatchState move(long batchId, BatchState target) {
        if (target == null) {
            throw ApiProblem.badField("state", "state is required: OPEN, PAUSED or CLOSED");
        }
        var row = jdbc.sql("SELECT state, imported FROM batches WHERE id = ? FOR UPDATE").param(batchId)
                .query((rs, n) -> new Object[]{BatchState.valueOf(rs.getString(1)), rs.getBoolean(2)}).optional()
                .orElseThrow(() -> ApiProblem.notFound("id", "there is no batch " + batchId));
        BatchState from = (BatchState) row[0];
        boolean imported = (Boolean) row[1];
        boolean allowed = switch (target) {
            case OPEN -> !imported && (from == BatchState.DRAFT || from == BatchState.PAUSED);
            case PAUSED -> from == BatchState.OPEN;
            case CLOSED -> from != BatchState.CLOSED;
            case DRAFT -> false;
        };
        if (from == target) {
            return from;
        }
        if (!allowed) {
            throw ApiProblem.conflict("state", "a " + (imported ? "imported " : "") + from + " batch cannot become " + target);
        }
        jdbc.sql("UPDATE batches SET state = ? WHERE id = ?").params(target.name(), batchId).update();
        return target;
    }
}
