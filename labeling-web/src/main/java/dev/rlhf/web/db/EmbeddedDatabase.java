package dev.rlhf.web.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Starts the bundled PostgreSQL server on a persistent data directory: the directory is initialised on
 * first use and kept as it is on later starts, so a restart keeps every row.
 */
public final class EmbeddedDatabase {
    private EmbeddedDatabase() {
    }

    public static EmbeddedPostgres start(Path dataDirectory) throws IOException {
        Files.createDirectories(dataDirectory);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory.toAbsolutePath())
                .setCleanDataDirectory(false)
                .setServerConfig("max_connections", "200")
                // the embedded server's builder turns synchronous_commit off for the whole server and starts it with
                // -F (fsync off); labels must be durable when acknowledged, so both are on again (a later -c wins
                // over -F). Claims turn synchronous_commit off for their own transaction only.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .start();
    }

    public static String jdbcUrl(EmbeddedPostgres postgres) {
        return postgres.getJdbcUrl("postgres", "postgres");
    }
}
