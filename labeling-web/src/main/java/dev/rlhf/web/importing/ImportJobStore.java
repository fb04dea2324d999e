package dev.rlhf.web.importing;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The {@code import_jobs} rows. Every change commits at once in its own transaction, so progress is visible
 * to pollers while the import's own (long) transaction is still open, and a failure survives its rollback.
 */
@Repository
public class ImportJobStore {
    private final JdbcClient jdbc;
    private final TransactionTemplate own;

    ImportJobStore(JdbcClient jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.own = new TransactionTemplate(transactions);
        this.own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    public long create(ImportKind kind, String filename, long bytesTotal, Long userId) {
        return own.execute(status -> jdbc.sql("""
                        INSERT INTO import_jobs (kind, filename, bytes_total, created_by) VALUES (?, ?, ?, ?) RETURNING id""")
                .params(kind.name(), filename, bytesTotal, userId).query(Long.class).single());
    }

    void phase(long id, String phase) {
        own.executeWithoutResult(status -> jdbc.sql(
                        "UPDATE import_jobs SET state = 'RUNNING', phase = ?, bytes_done = 0 WHERE id = ?")
                .params(phase, id).update());
    }

    void progress(long id, long bytesDone, long rows) {
        own.executeWithoutResult(status -> jdbc.sql(
                        "UPDATE import_jobs SET bytes_done = ?, rows_total = greatest(rows_total, ?) WHERE id = ?")
                .params(bytesDone, rows, id).update());
    }

    void succeeded(long id, long rowsTotal, long imported, long skipped) {
        own.executeWithoutResult(status -> jdbc.sql("""
                        UPDATE import_jobs SET state = 'SUCCEEDED', phase = 'DONE', bytes_done = bytes_total,
                               rows_total = ?, rows_imported = ?, rows_skipped = ?, finished_at = now() WHERE id = ?""")
                .params(rowsTotal, imported, skipped, id).update());
    }

    void failed(long id, String error, Long line, String field) {
        own.executeWithoutResult(status -> jdbc.sql("""
                        UPDATE import_jobs SET state = 'FAILED', phase = 'FAILED', error = ?, error_line = ?,
                               error_field = ?, rows_imported = 0, rows_skipped = 0, finished_at = now() WHERE id = ?""")
                .params(error, line, field, id).update());
    }

    public Optional<ImportJob> find(long id) {
        return jdbc.sql("SELECT * FROM import_jobs WHERE id = ?").param(id).query(ImportJobStore::row).optional();
    }

    public List<ImportJob> recent(int limit) {
        return jdbc.sql("SELECT * FROM import_jobs ORDER BY id DESC LIMIT ?").param(limit)
                .query(ImportJobStore::row).list();
    }

    private static ImportJob row(ResultSet rs, int n) throws SQLException {
        OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
        return new ImportJob(rs.getLong("id"), ImportKind.valueOf(rs.getString("kind")), rs.getString("filename"),
                rs.getString("state"), rs.getString("phase"), rs.getLong("bytes_total"), rs.getLong("bytes_done"),
                rs.getLong("rows_total"), rs.getLong("rows_imported"), rs.getLong("rows_skipped"),
                rs.getString("error"), (Long) rs.getObject("error_line"), rs.getString("error_field"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                finished == null ? null : finished.toInstant());
    }
}
