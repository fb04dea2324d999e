package dev.rlhf.web.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded server admits the application's password over 127.0.0.1 and nothing else. */
class EmbeddedDatabaseSecurityTest {
    @TempDir
    Path dataDir;

    @Test
    void aNewDataDirectoryGetsAPasswordInAnOwnerOnlyFileAndRefusesEveryoneElse() throws Exception {
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
            Path secret = dataDir.resolve(EmbeddedDatabase.SECRET_FILE);
            assertThat(Files.getPosixFilePermissions(secret)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.readString(secret, StandardCharsets.UTF_8).strip()).isEqualTo(db.password()).hasSize(43);
            refusesAnyoneWithoutThePassword(db);
        }
    }

    @Test
    void aDataDirectoryThatTrustedEveryoneIsUpgradedOnItsFirstStart() throws Exception {
        // a data directory as the earlier releases made it: initdb -A trust, pg_hba.conf trusting 127.0.0.1
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(false).start()) {
            JdbcClient.create(old.getPostgresDatabase()).sql("CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)").update();
        }
        assertThat(Files.readString(dataDir.resolve("pg_hba.conf"))).contains("trust");
        assertThat(dataDir.resolve(EmbeddedDatabase.SECRET_FILE)).doesNotExist();

        try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
            assertThat(Files.getPosixFilePermissions(dataDir.resolve(EmbeddedDatabase.SECRET_FILE)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(JdbcClient.create(db.dataSource()).sql("SELECT v FROM kept").query(Integer.class).single()).isEqualTo(7);
            refusesAnyoneWithoutThePassword(db);
        }
        // and the next start reads the same secret
        String secret = Files.readString(dataDir.resolve(EmbeddedDatabase.SECRET_FILE)).strip();
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dataDir)) {
            assertThat(db.password()).isEqualTo(secret);
            assertThat(JdbcClient.create(db.dataSource()).sql("SELECT v FROM kept").query(Integer.class).single()).isEqualTo(7);
        }
    }

    @Test
    void aSecretFileOthersCouldReadIsMadeOwnerOnlyAgain() throws Exception {
        try (EmbeddedDatabase ignored = EmbeddedDatabase.start(dataDir)) {
            // started once
        }
        Path secret = dataDir.resolve(EmbeddedDatabase.SECRET_FILE);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        try (EmbeddedDatabase ignored = EmbeddedDatabase.start(dataDir)) {
            assertThat(Files.getPosixFilePermissions(secret)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    private void refusesAnyoneWithoutThePassword(EmbeddedDatabase db) throws Exception {
        String url = db.jdbcUrl();
        assertThatThrownBy(() -> connect(url, null)).isInstanceOf(SQLException.class)
                .hasMessageContaining("password");
        assertThatThrownBy(() -> connect(url, "wrong-" + db.password())).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
        try (Connection c = connect(url, db.password())) {
            assertThat(c.isValid(2)).isTrue();
            assertThat(setting(c, "listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(setting(c, "unix_socket_directories")).isEmpty();
            assertThat(setting(c, "password_encryption")).isEqualTo("scram-sha-256");
            // every rule PostgreSQL loaded: SCRAM from 127.0.0.1, nothing trusted
            List<String> rules = JdbcClient.create(db.dataSource()).sql(
                    "SELECT concat_ws(' ', type, array_to_string(database, ','), array_to_string(user_name, ','), address, netmask, "
                            + "auth_method, error) FROM pg_hba_file_rules").query(String.class).list();
            assertThat(rules).containsExactly("host all all 127.0.0.1 255.255.255.255 scram-sha-256");
            assertThat(JdbcClient.create(db.dataSource()).sql("SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'postgres'")
                    .query(Boolean.class).single()).as("the password is stored as a SCRAM verifier").isTrue();
        }
        assertThat(Files.readString(db.dataDirectory().resolve("pg_hba.conf"))).doesNotContain("trust");
        // listening on 127.0.0.1 only: the same port on another loopback address (Linux routes all of 127/8 to lo)
        // and on IPv6 loopback is closed
        for (String other : List.of("127.0.0.2", "::1")) {
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(other, db.port()), 1000);
                }
            }).as("port %d on %s", db.port(), other).isInstanceOf(java.io.IOException.class);
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", db.port()), 1000);
        }
    }

    private static Connection connect(String url, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        if (password != null) props.setProperty("password", password);
        props.setProperty("connectTimeout", "2");
        return DriverManager.getConnection(url, props);
    }

    private static String setting(Connection c, String name) throws SQLException {
        try (var s = c.createStatement(); var rs = s.executeQuery("SHOW " + name)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
