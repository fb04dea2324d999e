package dev.rlhf.web.active;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads selected batches back: the selection (run, method, ensemble, pool) and each chosen comparison's disagreement. */
@Repository
public class SelectedComparisons {
    private final JdbcClient jdbc;

    SelectedComparisons(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A selected batch: how it was chosen, the pool's and the batch's mean disagreement (the batch's measure). */
    public record Selection(long batchId, String batchName, String batchState, long runId, String method, String measure,
                            List<Long> members, int poolPairs, double poolMeanDisagreement, int comparisons,
                            double batchMeanDisagreement) {
    }

    /** One chosen comparison: rank, post, the two summaries (canonical order), the ensemble's view, labels so far. */
    public record Row(int rank, long comparisonId, String post, String title, String summaryA, String policyA,
                      String summaryB, String policyB, double disagreement, double meanDelta, double stdDelta,
                      double meanProbability, double stdProbability, List<Double> memberDeltas, long labels) {
    }

    private static final String SELECTION = """
            SELECT s.batch_id, b.name, b.state, s.run_id, s.method, s.measure, s.member_model_ids, s.pool_pairs,
                   s.pool_mean_disagreement, count(d.comparison_id) AS n, coalesce(avg(d.disagreement), 'NaN') AS mean
            FROM batch_selections s JOIN batches b ON b.id = s.batch_id
            LEFT JOIN comparison_disagreements d ON d.batch_id = s.batch_id""";

    public Optional<Selection> ofBatch(long batchId) {
        return jdbc.sql(SELECTION + " WHERE s.batch_id = :id GROUP BY s.batch_id, b.id").param("id", batchId)
                .query(SelectedComparisons::selection).optional();
    }

    public Optional<Selection> ofRun(long runId) {
        return jdbc.sql(SELECTION + " WHERE s.run_id = :id GROUP BY s.batch_id, b.id").param("id", runId)
                .query(SelectedComparisons::selection).optional();
    }

    public List<Selection> all() {
        return jdbc.sql(SELECTION + " GROUP BY s.batch_id, b.id ORDER BY s.batch_id DESC").query(SelectedComparisons::selection).list();
    }

    /** The chosen comparisons of a selected batch, by rank. */
    public List<Row> rows(long batchId) {
        return jdbc.sql("""
                        SELECT d.rank, d.comparison_id, p.source_id, p.title, sa.text AS text_a, sa.policy AS policy_a,
                               sb.text AS text_b, sb.policy AS policy_b, d.disagreement, d.mean_delta, d.std_delta,
                               d.mean_probability, d.std_probability, d.member_deltas,
                               (SELECT count(*) FROM labels l WHERE l.comparison_id = d.comparison_id) AS labels
                        FROM comparison_disagreements d
                        JOIN comparisons c ON c.id = d.comparison_id
                        JOIN posts p ON p.id = c.post_id
                        JOIN comparison_summaries ca ON ca.comparison_id = c.id AND ca.position = 0
                        JOIN summaries sa ON sa.id = ca.summary_id
                        JOIN comparison_summaries cb ON cb.comparison_id = c.id AND cb.position = 1
                        JOIN summaries sb ON sb.id = cb.summary_id
                        WHERE d.batch_id = :batch ORDER BY d.rank""")
                .param("batch", batchId)
                .query((rs, i) -> new Row(rs.getInt("rank"), rs.getLong("comparison_id"), rs.getString("source_id"),
                        rs.getString("title"), rs.getString("text_a"), rs.getString("policy_a"), rs.getString("text_b"),
                        rs.getString("policy_b"), rs.getDouble("disagreement"), rs.getDouble("mean_delta"),
                        rs.getDouble("std_delta"), rs.getDouble("mean_probability"), rs.getDouble("std_probability"),
                        doubles(rs.getArray("member_deltas")), rs.getLong("labels")))
                .list();
    }

    private static Selection selection(ResultSet rs, int row) throws SQLException {
        List<Long> members = new ArrayList<>();
        for (Object o : (Object[]) rs.getArray("member_model_ids").getArray()) members.add(((Number) o).longValue());
        return new Selection(rs.getLong("batch_id"), rs.getString("name"), rs.getString("state"), rs.getLong("run_id"),
                rs.getString("method"), rs.getString("measure"), members, rs.getInt("pool_pairs"),
                rs.getDouble("pool_mean_disagreement"), rs.getInt("n"), rs.getDouble("mean"));
    }

    private static List<Double> doubles(Array array) throws SQLException {
        List<Double> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) out.add(((Number) o).doubleValue());
        return out;
    }
}
