package dev.rlhf.web.exporting;

import dev.rlhf.web.api.ApiProblem;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.OffsetDateTime;
import java.util.List;

/** Stored labels as JSON pages (researchers and admins): filter by batch and labeler, page with {@code afterId}. */
@RestController
record LabelApiController(JdbcClient jdbc) {
    public record LabelRow(long id, long comparisonId, String batch, String split, String labeler, Integer choice,
                           Integer confidence, Integer sourceConfidence, boolean gold, boolean imported,
                           int secondsSpent, OffsetDateTime createdAt) {
    }

    @GetMapping("/api/labels")
    List<LabelRow> labels(@RequestParam(required = false) String batch, @RequestParam(required = false) String labeler,
                          @RequestParam(defaultValue = "0") long afterId, @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 1000) {
            throw ApiProblem.badField("limit", "limit must be between 1 and 1000");
        }
        return jdbc.sql("""
                        SELECT l.id, l.comparison_id, b.name AS batch, c.split, u.pseudonym, l.choice, l.confidence,
                               l.source_confidence, c.is_gold, l.imported, l.seconds_spent, l.created_at
                        FROM labels l JOIN comparisons c ON c.id = l.comparison_id JOIN batches b ON b.id = c.batch_id
                        JOIN users u ON u.id = l.labeler_id
                        WHERE l.id > :after AND (:batch = '' OR b.name = :batch) AND (:labeler = '' OR u.pseudonym = :labeler)
                        ORDER BY l.id LIMIT :limit""")
                .param("after", afterId).param("batch", batch == null ? "" : batch)
                .param("labeler", labeler == null ? "" : labeler).param("limit", limit)
                .query((rs, n) -> new LabelRow(rs.getLong("id"), rs.getLong("comparison_id"), rs.getString("batch"),
                        rs.getString("split"), rs.getString("pseudonym"), (Integer) rs.getObject("choice"),
                        (Integer) rs.getObject("confidence"), (Integer) rs.getObject("source_confidence"),
                        rs.getBoolean("is_gold"), rs.getBoolean("imported"), rs.getInt("seconds_spent"),
                        rs.getObject("created_at", OffsetDateTime.class)))
                .list();
    }
}
