package dev.rlhf.web.importing;

import dev.rlhf.lm.formats.JsonLines;
import dev.rlhf.lm.formats.JsonlFormatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The one import path (web upload, REST API and CLI all end here). All or nothing, in bounded memory:
 * <ol>
 *   <li>validate: stream the file once, parsing and checking every line; nothing is written, and the first bad
 *       line fails the job with its line number and field;</li>
 *   <li>write: in one transaction, stream the file again into a temporary staging table with batched JDBC
 *       inserts, then merge it into the platform's tables with set-based SQL that skips rows already imported
 *       (source ids), so re-importing a file creates no duplicates. Any failure rolls everything back.</li>
 * </ol>
 * Imports run one at a time (a transaction-scoped advisory lock), so two imports of one file cannot race.
 */
@Service
public record FileImporter(ImportJobStore jobs, JdbcTemplate jdbcTemplate, JdbcClient jdbc, TransactionTemplate tx) {
    private static final Logger log = LoggerFactory.getLogger(FileImporter.class);
    private static final int JDBC_BATCH = 500;
    private static final long IMPORT_LOCK = 8231002L;

    /** Creates a job and runs it here and now; throws {@link BadLineException} (after recording it) for a bad file. */
    public ImportJob importFile(ImportKind kind, Path file, String filename, Long userId, ImportProgress progress) {
        long jobId = jobs.create(kind, filename, size(file), userId);
        run(jobId, kind, file, userId, progress);
        return jobs.find(jobId).orElseThrow();
    }

    /** Runs an already created job. */
    public void run(long jobId, ImportKind kind, Path file, Long userId, ImportProgress progress) {
        Staging<?> staging = kind == ImportKind.POSTS ? new PostStaging()
                : new ComparisonStaging(ComparisonStaging.preferenceBatch(jobs.find(jobId).orElseThrow().filename()));
        try {
            long rows = runStaged(jobId, staging, file, userId, progress);
            log.info("Import job {} ({}) finished: {} rows", jobId, kind, rows);
        } catch (JsonlFormatException format) {
            BadLineException bad = BadLineException.of(format);
            jobs.failed(jobId, bad.getMessage(), bad.line(), bad.field());
            throw bad;
        } catch (RuntimeException failure) {
            log.warn("Import job {} failed", jobId, failure);
            jobs.failed(jobId, "the import failed and nothing was written: " + failure.getMessage(), null, null);
            throw failure;
        }
    }

    private <T> long runStaged(long jobId, Staging<T> staging, Path file, Long userId, ImportProgress progress) {
        long total = size(file);
        // 1. validate every line; nothing is written
        jobs.phase(jobId, "VALIDATING");
        long[] seen = {0};
        long rows = read(file, (line, json) -> {
            staging.checkAcrossLines(line, staging.parse(line, json));
            seen[0]++;
        }, bytes -> report(jobId, progress, "VALIDATING", bytes, total, seen[0]));

        // 2. stage and merge in one transaction
        jobs.phase(jobId, "WRITING");
        long imported = tx.execute(status -> {
            jdbc.sql("SELECT pg_advisory_xact_lock(?)").param(IMPORT_LOCK).query().singleRow();
            jdbc.sql(staging.createTable()).update();
            List<Object[]> pending = new ArrayList<>(JDBC_BATCH);
            long[] staged = {0};
            read(file, (line, json) -> {
                pending.add(new Object[]{line, staging.parse(line, json)});
                if (pending.size() == JDBC_BATCH) {
                    flush(staging, pending);
                }
                staged[0]++;
            }, bytes -> report(jobId, progress, "WRITING", bytes, total, staged[0]));
            flush(staging, pending);
            return staging.merge(new Staging.MergeContext() {
                @Override
                public JdbcClient jdbc() {
                    return jdbc;
                }

                @Override
                public Long userId() {
                    return userId;
                }
            });
        });
        if (imported > 0) {
            // fresh planner statistics: right after a bulk import they describe the tables before it, and exports or
            // agreement queries planned on them can fall back to nested scans of the whole table
            jdbc.sql(staging.analyze()).update();
        }
        jobs.succeeded(jobId, rows, imported, rows - imported);
        progress.update("DONE", total, total, rows);
        return rows;
    }

    @SuppressWarnings("unchecked")
    private <T> void flush(Staging<T> staging, List<Object[]> pending) {
        if (pending.isEmpty()) {
            return;
        }
        jdbcTemplate.batchUpdate(staging.insert(), pending, pending.size(), (PreparedStatement statement, Object[] row) ->
                staging.bind(statement, (Long) row[0], (T) row[1]));
        pending.clear();
    }

    private void report(long jobId, ImportProgress progress, String phase, long bytes, long total, long rows) {
        jobs.progress(jobId, bytes, rows);
        progress.update(phase, bytes, total, rows);
    }

    /** Every line of the file through {@code lm}'s one jsonl reader (line limit, byte progress); errors name no file. */
    private static long read(Path file, JsonLines.LineHandler handler, LongConsumer progress) {
        try {
            return JsonLines.read(file, null, handler, progress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
