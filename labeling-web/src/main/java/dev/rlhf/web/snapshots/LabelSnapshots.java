package dev.rlhf.web.snapshots;

import dev.rlhf.lm.formats.Comparison;
import dev.rlhf.lm.formats.PostInfo;
import dev.rlhf.lm.formats.Summary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Label snapshots: a named, frozen set of labels chosen by batch and split, stored in {@code label_snapshots} /
 * {@code label_snapshot_labels}. A reward-model run reads its snapshot as the reward-model library's
 * {@link Comparison} records, so labels added later never change what a run trained on.
 */
@Component
public class LabelSnapshots {
    private final JdbcClient jdbc;

    public LabelSnapshots(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Freezes the labels (with a choice) of {@code batch} (null: every batch) and {@code split} (null: every split). */
    @Transactional
    public long freeze(String name, String batch, String split, Long createdBy) {
        String filter = "{\"batch\": " + quote(batch) + ", \"split\": " + quote(split) + "}";
        long id = jdbc.sql("""
                        INSERT INTO label_snapshots (name, filter, created_by) VALUES (:name, CAST(:filter AS jsonb), :by)
                        RETURNING id""")
                .param("name", name).param("filter", filter).param("by", createdBy).query(Long.class).single();
        int n = jdbc.sql("""
                        INSERT INTO label_snapshot_labels (snapshot_id, label_id)
                        SELECT :id, l.id FROM labels l JOIN comparisons c ON c.id = l.comparison_id JOIN batches b ON b.id = c.batch_id
                        WHERE l.choice IS NOT NULL AND (CAST(:batch AS text) IS NULL OR b.name = :batch)
                          AND (CAST(:split AS text) IS NULL OR c.split = :split)""")
                .param("id", id).param("batch", batch).param("split", split).update();
        jdbc.sql("UPDATE label_snapshots SET label_count = :n WHERE id = :id").param("n", n).param("id", id).update();
        return id;
    }

    public record Snapshot(long id, String name, String filter, int labelCount, java.time.Instant createdAt) {}

    public List<Snapshot> all() {
        return jdbc.sql("SELECT id, name, filter::text, label_count, created_at FROM label_snapshots ORDER BY id DESC")
                .query((rs, i) -> new Snapshot(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                        rs.getTimestamp(5).toInstant())).list();
    }

    public java.util.Optional<Snapshot> find(long id) {
        return jdbc.sql("SELECT id, name, filter::text, label_count, created_at FROM label_snapshots WHERE id = :id")
                .param("id", id).query((rs, i) -> new Snapshot(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getInt(4), rs.getTimestamp(5).toInstant())).optional();
    }

    public boolean nameTaken(String name) {
        return jdbc.sql("SELECT count(*) FROM label_snapshots WHERE name = :name").param("name", name).query(Long.class).single() > 0;
    }

    public boolean exists(long id) {
        return jdbc.sql("SELECT count(*) FROM label_snapshots WHERE id = :id").param("id", id).query(Long.class).single() > 0;
    }

    /**
     * The snapshot's labels as comparisons (summaries in the comparison's canonical order, the labeler's pseudonym as
     * worker, the imported {@code extra.confidence} where there was one). Ties are left out.
     */
    public List<Comparison> comparisons(long snapshotId) {
        return jdbc.sql("""
                        SELECT l.choice, l.source_confidence, u.pseudonym, b.name AS batch, c.split,
                               p.source_id, p.subreddit, p.title, p.body,
                               ARRAY(SELECT s.text FROM comparison_summaries cs JOIN summaries s ON s.id = cs.summary_id
                                     WHERE cs.comparison_id = c.id ORDER BY cs.position) AS texts,
                               ARRAY(SELECT s.policy FROM comparison_summaries cs JOIN summaries s ON s.id = cs.summary_id
                                     WHERE cs.comparison_id = c.id ORDER BY cs.position) AS policies
                        FROM label_snapshot_labels sl
                        JOIN labels l ON l.id = sl.label_id
                        JOIN users u ON u.id = l.labeler_id
                        JOIN comparisons c ON c.id = l.comparison_id
                        JOIN batches b ON b.id = c.batch_id
                        JOIN posts p ON p.id = c.post_id
                        WHERE sl.snapshot_id = :id AND l.choice IS NOT NULL
                        ORDER BY l.id""")
                .param("id", snapshotId).query(LabelSnapshots::comparison).list();
    }

    private static Comparison comparison(ResultSet rs, int row) throws SQLException {
        String[] texts = strings(rs.getArray("texts"));
        String[] policies = strings(rs.getArray("policies"));
        List<Summary> summaries = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) summaries.add(new Summary(texts[i], policies[i], null));
        // the platform's own confidence is a side scale (1 = summary 0 definitely … 9 = summary 1 definitely); the
        // library's is a certainty 1..9 as in imported comparisons, so only an imported value is passed on
        Integer confidence = (Integer) rs.getObject("source_confidence");
        if (confidence != null && (confidence < 1 || confidence > 9)) confidence = null;
        return new Comparison(new PostInfo(rs.getString("source_id"), rs.getString("body"), rs.getString("title"),
                rs.getString("subreddit")), summaries, rs.getInt("choice"), rs.getString("pseudonym"),
                rs.getString("batch"), rs.getString("split"), confidence);
    }

    private static String[] strings(Array array) throws SQLException {
        return (String[]) array.getArray();
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
