package dev.rlhf.web.models;

import dev.rlhf.web.snapshots.LabelSnapshots;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * A model's lineage: the model and its ancestors, parent after parent, to the root, each with the run that made it
 * and the label snapshot it learnt from. One recursive query reads the whole chain; it stops at a parent that is not
 * in the registry and at an id already seen.
 */
@Component
public record ModelLineage(JdbcClient jdbc) {
    /** One model of a lineage, with the run that made it and the snapshot it learnt from (each may be missing). */
    public record Step(ModelRegistry.Model model, ModelRegistry.MadeBy run, LabelSnapshots.Snapshot snapshot) {}

    /** The chain from {@code model} (first) to its root (last). */
    public List<Step> of(ModelRegistry.Model model) {
        return jdbc.sql("""
                        WITH RECURSIVE chain (id, depth, seen) AS (
                            SELECT id, 0, ARRAY[id] FROM models WHERE id = :id
                          UNION ALL
                            SELECT m.parent_model_id, c.depth + 1, c.seen || m.parent_model_id
                            FROM chain c JOIN models m ON m.id = c.id
                            WHERE m.parent_model_id IS NOT NULL AND m.parent_model_id <> ALL (c.seen))
                        SELECT m.id, m.name, m.kind, m.path, m.parent_model_id, m.run_id, m.snapshot_id,
                               m.metrics::text AS metrics, m.created_at,
                               r.name AS run_name, r.kind AS run_kind, r.config::text AS run_config, r.created_at AS run_created_at,
                               s.name AS snapshot_name, s.filter::text AS snapshot_filter, s.label_count,
                               s.created_at AS snapshot_created_at
                        FROM chain c JOIN models m ON m.id = c.id
                        LEFT JOIN runs r ON r.id = m.run_id
                        LEFT JOIN label_snapshots s ON s.id = m.snapshot_id
                        ORDER BY c.depth""")
                .param("id", model.id())
                .query((rs, row) -> {
                    ModelRegistry.Model m = ModelRegistry.map(rs, row);
                    ModelRegistry.MadeBy run = rs.getString("run_name") == null ? null : new ModelRegistry.MadeBy(
                            m.runId(), rs.getString("run_name"), rs.getString("run_kind"), rs.getString("run_config"),
                            rs.getTimestamp("run_created_at").toInstant());
                    LabelSnapshots.Snapshot snapshot = rs.getString("snapshot_name") == null ? null : new LabelSnapshots.Snapshot(
                            m.snapshotId(), rs.getString("snapshot_name"), rs.getString("snapshot_filter"),
                            rs.getInt("label_count"), rs.getTimestamp("snapshot_created_at").toInstant());
                    return new Step(m, run, snapshot);
                }).list();
    }
}
