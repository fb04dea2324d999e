package dev.rlhf.web.db;

import dev.rlhf.web.support.ApiLabeler;
import dev.rlhf.web.support.ForkedPlatform;
import dev.rlhf.web.support.HttpSession;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded server keeps its data directory: what was stored before a restart is there after it, after a clean
 * stop and after the application was killed (kill -9), which leaves its postmaster running.
 */
class RestartKeepsLabelsTest {
    @TempDir
    Path dataDir;

    @Test
    void labelsSurviveAStopAndStart() throws Exception {
        try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dataDir)) {
            Flyway.configure().dataSource(postgres.dataSource()).locations("classpath:db/migration").load().migrate();
            JdbcClient jdbc = JdbcClient.create(postgres.dataSource());
            long user = jdbc.sql("INSERT INTO users (username, password_hash, role, pseudonym) VALUES ('l', 'x', 'LABELER', 'p') RETURNING id")
                    .query(Long.class).single();
            long post = jdbc.sql("INSERT INTO posts (source_id, subreddit, title, body) VALUES ('p1', 'r', 't', 'b') RETURNING id")
                    .query(Long.class).single();
            long s0 = jdbc.sql("INSERT INTO summaries (post_id, text, policy) VALUES (?, 'a', 'ref') RETURNING id").param(post).query(Long.class).single();
            long s1 = jdbc.sql("INSERT INTO summaries (post_id, text, policy) VALUES (?, 'b', 'ppo') RETURNING id").param(post).query(Long.class).single();
            long batch = jdbc.sql("INSERT INTO batches (name, mode, overlap_k, state) VALUES ('b', 'PAIRWISE', 1, 'OPEN') RETURNING id")
                    .query(Long.class).single();
            long comparison = jdbc.sql("INSERT INTO comparisons (post_id, batch_id, candidate_count, open_slots) VALUES (?, ?, 2, 0) RETURNING id")
                    .params(post, batch).query(Long.class).single();
            jdbc.sql("INSERT INTO comparison_summaries VALUES (?, 0, ?), (?, 1, ?)").params(comparison, s0, comparison, s1).update();
            long assignment = jdbc.sql("""
                            INSERT INTO assignments (comparison_id, labeler_id, display_order, state, lease_expires_at, completed_at)
                            VALUES (?, ?, '{1,0}', 'DONE', now(), now()) RETURNING id""")
                    .params(comparison, user).query(Long.class).single();
            jdbc.sql("""
                            INSERT INTO labels (assignment_id, comparison_id, labeler_id, choice, confidence, seconds_spent, idempotency_key)
                            VALUES (?, ?, ?, 1, 7, 12, 'restart-key-1')""")
                    .params(assignment, comparison, user).update();
        }
        assertThat(dataDir.resolve("postmaster.pid")).as("a clean stop removes the pid file").doesNotExist();
        try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dataDir)) {
            JdbcClient jdbc = JdbcClient.create(postgres.dataSource());
            assertThat(jdbc.sql("SELECT confidence FROM labels WHERE idempotency_key = 'restart-key-1'").query(Integer.class).single())
                    .isEqualTo(7);
            assertThat(Flyway.configure().dataSource(postgres.dataSource()).locations("classpath:db/migration").load()
                    .info().pending()).isEmpty();
        }
    }

    @Test
    void afterKill9OfTheApplicationTheNextStartComesUpAtTheFirstTryWithEveryAcknowledgedLabel() throws Exception {
        Path dataDir = this.dataDir.resolve("data"); // the child's output goes beside it, inside the temporary directory
        List<ApiLabeler.Answer> acknowledged = new ArrayList<>();
        long orphan;
        ForkedPlatform first = ForkedPlatform.start(dataDir);
        try {
            ApiLabeler labeler = new ApiLabeler(HttpSession.signIn(first.uri("/"), "labeler", ForkedPlatform.LABELER_PASSWORD));
            assertThat(labeler.next()).as("demo work").isTrue();
            for (int i = 0; i < 5 && labeler.hasWork(); i++) {
                ApiLabeler.Answer answer = labeler.submit();
                assertThat(answer.status()).as(answer.body()).isEqualTo(201);
                acknowledged.add(answer);
            }
            orphan = ForkedPlatform.postmasterPid(dataDir);
            assertThat(ProcessHandle.of(orphan)).as("the application's postmaster").isPresent();
        } finally {
            first.kill();
        }
        assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive))
                .as("kill -9 of the application leaves its postmaster running").isPresent();
        assertThat(EmbeddedDatabase.isPostgresOn(ProcessHandle.of(orphan).orElseThrow(), dataDir)).isTrue();

        try (ForkedPlatform second = ForkedPlatform.start(dataDir)) { // start() fails the test unless it comes up
            assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).as("the orphan was stopped").isEmpty();
            assertThat(ForkedPlatform.postmasterPid(dataDir)).isNotEqualTo(orphan);
            assertThat(second.printed("still runs on " + dataDir.toAbsolutePath())).as(second.output()).isTrue();
            JdbcClient jdbc = JdbcClient.create(ForkedPlatform.database(dataDir));
            for (ApiLabeler.Answer answer : acknowledged) {
                assertThat(jdbc.sql("SELECT count(*) FROM labels WHERE id = ? AND idempotency_key = ?")
                        .params(answer.labelId(), answer.idempotencyKey()).query(Long.class).single())
                        .as("acknowledged label %s", answer).isEqualTo(1);
            }
            // and the restarted application serves: the same labeler signs in and gets on with the work
            ApiLabeler labeler = new ApiLabeler(HttpSession.signIn(second.uri("/"), "labeler", ForkedPlatform.LABELER_PASSWORD));
            assertThat(labeler.next()).isTrue();
            assertThat(labeler.submit().status()).isEqualTo(201);
        }
    }

    @Test
    void aStalePidFileOfAnotherLiveProcessIsNotMistakenForTheServer() throws Exception {
        try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dataDir)) {
            JdbcClient.create(postgres.dataSource()).sql("CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)").update();
        }
        // the pid of a live process that is no postgres (this JVM), as after a reboot that reused the pid
        Files.writeString(dataDir.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n" + dataDir + "\n0\n5432\n",
                StandardCharsets.UTF_8);
        try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dataDir)) {
            assertThat(JdbcClient.create(postgres.dataSource()).sql("SELECT v FROM kept").query(Integer.class).single()).isEqualTo(42);
        }
        assertThat(ProcessHandle.current().isAlive()).isTrue();
    }

    @Test
    void aSecondInstanceOnTheSameDataDirectoryIsRefusedAndLeavesTheFirstAlone() throws Exception {
        try (EmbeddedDatabase postgres = EmbeddedDatabase.start(dataDir)) {
            long pid = postgres.serverPid();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmbeddedDatabase.start(dataDir))
                    .hasMessageContaining("in use by another running instance");
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isPresent();
            assertThat(JdbcClient.create(postgres.dataSource()).sql("SELECT 1").query(Integer.class).single()).isEqualTo(1);
        }
    }
}
