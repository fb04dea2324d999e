package dev.rlhf.web.importing;

import com.google.gson.JsonObject;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * How one kind of file is staged and merged: lines are parsed (and checked) one at a time, written in JDBC
 * batches to a temporary table that lives only as long as the import's transaction, and then merged into the
 * platform's tables with set-based SQL that skips what is already there (source ids).
 */
interface Staging<T> {
    /** One line of the file, parsed by its format in {@code lm.formats} and checked against the platform's rules. */
    T parse(long line, JsonObject json);

    /** Checks that need more than one line (kept small: one entry per batch name, never per line). */
    default void checkAcrossLines(long line, T record) {
    }

    String createTable();

    /** ANALYZE of the tables the merge writes, run after it commits. */
    String analyze();

    String insert();

    void bind(PreparedStatement statement, long line, T record) throws SQLException;

    /** Merges the staged rows into the platform's tables; returns how many rows were new. */
    long merge(MergeContext context);

    interface MergeContext {
        org.springframework.jdbc.core.simple.JdbcClient jdbc();

        Long userId();
    }
}
