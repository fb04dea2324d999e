package dev.rlhf.web.models;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;

/** The {@code models} table: every trained model with its lineage (run, parent model, label snapshot) and metrics. */
@Component
public record ModelRegistry(JdbcClient jdbc) {
    public record Model(long id, String name, String kind, String path, Long parentModelId, Long runId, Long snapshotId,
                        String metrics, java.time.Instant createdAt) {}

    /** The run that made a model, as the registry's pages and cards show it (its config as stored, JSON text). */
    public record MadeBy(long id, String name, String kind, String config, java.time.Instant createdAt) {}

    public long register(String name, String kind, String path, Long parentModelId, Long runId, Long snapshotId,
                         String metricsJson) {
        return jdbc.sql("""
                        INSERT INTO models (name, kind, path, parent_model_id, run_id, snapshot_id, metrics)
                        VALUES (:name, :kind, :path, :parent, :run, :snapshot, CAST(:metrics AS jsonb)) RETURNING id""")
                .param("name", name).param("kind", kind).param("path", path).param("parent", parentModelId)
                .param("run", runId).param("snapshot", snapshotId).param("metrics", metricsJson)
                .query(Long.class).single();
    }

    public Optional<Model> find(long id) {
        return jdbc.sql(SELECT + " WHERE id = :id").param("id", id).query(ModelRegistry::map).optional();
    }

    public Optional<Model> byRun(long runId) {
        return jdbc.sql(SELECT + " WHERE run_id = :run").param("run", runId).query(ModelRegistry::map).optional();
    }

    public Optional<MadeBy> madeBy(long runId) {
        return jdbc.sql("SELECT id, name, kind, config::text AS config, created_at FROM runs WHERE id = :id").param("id", runId)
                .query((rs, row) -> new MadeBy(rs.getLong("id"), rs.getString("name"), rs.getString("kind"),
                        rs.getString("config"), rs.getTimestamp("created_at").toInstant())).optional();
    }

    public List<Model> all() {
        return jdbc.sql(SELECT + " ORDER BY id DESC").query(ModelRegistry::map).list();
    }

    private static final String SELECT = "SELECT id, name, kind, path, parent_model_id, run_id, snapshot_id, metrics::text AS metrics, created_at FROM models";

    static Model map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Model(rs.getLong("id"), rs.getString("name"), rs.getString("kind"), rs.getString("path"),
                (Long) rs.getObject("parent_model_id"), (Long) rs.getObject("run_id"), (Long) rs.getObject("snapshot_id"),
                rs.getString("metrics"), rs.getTimestamp("created_at").toInstant());
    }
}
