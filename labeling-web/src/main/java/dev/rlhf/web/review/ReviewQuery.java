package dev.rlhf.web.review;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The review page's rows: labels with a flag or a note (V18's partial index {@code labels_reviewable_created_idx}
 * holds exactly those, newest first), and skips, both narrowed by the filter.
 */
@Repository
class ReviewQuery {
    static final int SKIPS_SHOWN = 50;

    private final JdbcClient jdbc;

    ReviewQuery(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A batch or labeler to choose in the filter. */
    record Choice(long id, String name) {
    }

    ReviewPage page(ReviewFilter filter) {
        List<String> where = new ArrayList<>(List.of("(l.note IS NOT NULL OR l.flags <> '{}'::text[])"));
        Map<String, Object> params = new HashMap<>();
        byBatchAndLabeler(filter, "c.batch_id", "l.labeler_id", where, params);
        if (filter.flag() != null) {
            where.add("l.flags @> ARRAY[:flag]::text[]");
            params.put("flag", filter.flag());
        }
        String from = """
                FROM labels l
                JOIN comparisons c ON c.id = l.comparison_id
                LEFT JOIN batches b ON b.id = c.batch_id
                JOIN users u ON u.id = l.labeler_id
                """ + " WHERE " + String.join(" AND ", where);
        long total = jdbc.sql("SELECT count(*) " + from).params(params).query(Long.class).single();
        List<ReviewedLabel> labels = jdbc.sql("""
                        SELECT l.id, l.comparison_id, c.batch_id, b.name AS batch_name, l.labeler_id, u.username,
                               l.flags, l.note, l.created_at
                        """ + from + " ORDER BY l.created_at DESC, l.id DESC LIMIT :limit OFFSET :offset")
                .params(params).param("limit", ReviewFilter.PAGE_SIZE).param("offset", filter.offset())
                .query((rs, n) -> new ReviewedLabel(rs.getLong("id"), rs.getLong("comparison_id"),
                        (Long) rs.getObject("batch_id"), rs.getString("batch_name"), rs.getLong("labeler_id"),
                        rs.getString("username"), texts(rs, "flags"), rs.getString("note"),
                        rs.getTimestamp("created_at").toInstant()))
                .list();

        List<String> skipWhere = new ArrayList<>(List.of("true"));
        Map<String, Object> skipParams = new HashMap<>();
        byBatchAndLabeler(filter, "s.batch_id", "s.labeler_id", skipWhere, skipParams);
        String skipFrom = " FROM skips s WHERE " + String.join(" AND ", skipWhere);
        Map<String, Long> byReason = new LinkedHashMap<>();
        jdbc.sql("SELECT s.reason, count(*) AS n" + skipFrom + " GROUP BY s.reason ORDER BY count(*) DESC, s.reason")
                .params(skipParams).query((rs, n) -> byReason.put(rs.getString("reason"), rs.getLong("n"))).list();
        List<ReviewedSkip> skips = jdbc.sql("""
                        SELECT s.id, s.comparison_id, s.batch_id, b.name AS batch_name, s.labeler_id, u.username,
                               s.reason, s.text, s.created_at
                        FROM skips s JOIN batches b ON b.id = s.batch_id JOIN users u ON u.id = s.labeler_id
                        """ + " WHERE " + String.join(" AND ", skipWhere) + " ORDER BY s.created_at DESC, s.id DESC LIMIT :limit")
                .params(skipParams).param("limit", SKIPS_SHOWN)
                .query((rs, n) -> skip(rs))
                .list();
        long totalSkips = byReason.values().stream().mapToLong(Long::longValue).sum();
        return new ReviewPage(filter, labels, total, skips, totalSkips, byReason);
    }

    /** Every batch, newest first. */
    List<Choice> batches() {
        return jdbc.sql("SELECT id, name FROM batches ORDER BY id DESC")
                .query((rs, n) -> new Choice(rs.getLong(1), rs.getString(2))).list();
    }

    /** Labelers who flagged, noted or skipped something. */
    List<Choice> labelers() {
        return jdbc.sql("""
                        SELECT u.id, u.username FROM users u
                        WHERE u.id IN (SELECT l.labeler_id FROM labels l WHERE l.note IS NOT NULL OR l.flags <> '{}'::text[]
                                       UNION SELECT s.labeler_id FROM skips s)
                        ORDER BY u.username""")
                .query((rs, n) -> new Choice(rs.getLong(1), rs.getString(2))).list();
    }

    /** Adds the filter's batch and labeler (on these columns) to {@code where}, their values to {@code params}. */
    private static void byBatchAndLabeler(ReviewFilter filter, String batchColumn, String labelerColumn, List<String> where,
                                          Map<String, Object> params) {
        if (filter.batchId() != null) {
            where.add(batchColumn + " = :batch");
            params.put("batch", filter.batchId());
        }
        if (filter.labelerId() != null) {
            where.add(labelerColumn + " = :labeler");
            params.put("labeler", filter.labelerId());
        }
    }

    static ReviewedSkip skip(ResultSet rs) throws SQLException {
        return new ReviewedSkip(rs.getLong("id"), rs.getLong("comparison_id"), rs.getLong("batch_id"),
                rs.getString("batch_name"), rs.getLong("labeler_id"), rs.getString("username"), rs.getString("reason"),
                rs.getString("text"), rs.getTimestamp("created_at").toInstant());
    }

    static List<String> texts(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }
}
