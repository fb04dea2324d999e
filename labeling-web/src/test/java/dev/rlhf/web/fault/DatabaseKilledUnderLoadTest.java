package dev.rlhf.web.fault;

import dev.rlhf.web.support.ForkedPlatform;
import dev.rlhf.web.support.LabelingLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault suite, 2: the embedded PostgreSQL's postmaster is killed (kill -9) while 8 labelers submit. The application
 * is not restarted: its supervisor starts the server again and the pool reconnects. Requests in between fail cleanly
 * (503 with JSON, within the pool's connection timeout: never a 500, never a hang), and nothing is lost or half stored.
 */
class DatabaseKilledUnderLoadTest {
    static final int LABELERS = 8;
    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dataDir;

    @Test
    void theApplicationRecoversByItselfAndRequestsInBetweenAre503() throws Exception {
        Path dataDir = this.dataDir.resolve("data"); // the child's output goes beside it, inside the temporary directory
        try (ForkedPlatform app = ForkedPlatform.start(dataDir, FaultChecks.PLENTY_OF_WORK)) {
            List<String> labelers = FaultChecks.labelers(app, LABELERS);
            long killedAt;
            try (LabelingLoad load = new LabelingLoad(() -> app.uri("/"), labelers, FaultChecks.LABELER_PASSWORD).start()) {
                FaultChecks.await("200 acknowledged labels", Duration.ofMinutes(3), () -> load.acknowledgedCount() >= 200);
                long postmaster = ForkedPlatform.postmasterPid(dataDir);
                ProcessHandle server = ProcessHandle.of(postmaster).orElseThrow();
                killedAt = System.nanoTime();
                server.destroyForcibly();
                server.onExit().get();
                int acknowledgedAtKill = load.acknowledgedCount();
                FaultChecks.await("the supervisor to start the server again", Duration.ofMinutes(2), () -> {
                    try {
                        long pid = ForkedPlatform.postmasterPid(dataDir);
                        return pid != postmaster && ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent();
                    } catch (Exception e) {
                        return false;
                    }
                });
                FaultChecks.await("a label acknowledged after the kill", Duration.ofMinutes(2),
                        () -> load.anyAcknowledgedAfter(killedAt) && !load.notAcknowledged.isEmpty());
                FaultChecks.await("labeling to go on", Duration.ofMinutes(2),
                        () -> load.acknowledgedCount() >= acknowledgedAtKill + 200);
                load.close();

                assertThat(app.isAlive()).as("the application was not restarted").isTrue();
                assertThat(app.printed("exited with code")).as("the supervisor saw the server die").isTrue();
                assertThat(app.printed("Embedded PostgreSQL started again")).as("and started it again").isTrue();
                assertThat(load.noAnswer).as("requests without an HTTP answer (a hang or a dropped connection)").isEmpty();
                assertThat(load.notAcknowledged).as("the outage was seen by the labelers").isNotEmpty();
                assertThat(load.notAcknowledged).allSatisfy(r -> {
                    assertThat(r.status()).as("%s: %s", r.what(), r.body()).isEqualTo(503);
                    assertThat(r.contentType()).startsWith("application/json");
                    assertThat(JSON.readTree(r.body()).get("status").asInt()).isEqualTo(503);
                    assertThat(JSON.readTree(r.body()).get("message").asString()).contains("database");
                });
                long last503 = load.notAcknowledged.stream().mapToLong(LabelingLoad.Response::atNanos).max().orElseThrow();
                long firstAfter = load.acknowledged.stream().mapToLong(a -> a.atNanos()).filter(t -> t > last503).min().orElseThrow();
                JdbcClient jdbc = JdbcClient.create(ForkedPlatform.database(dataDir));
                FaultChecks.nothingLostNothingHalfStored(jdbc, load.acknowledged);
                System.out.printf("fault suite, database killed: %d labelers; %d labels acknowledged (%d before the kill), "
                                + "all %d found exactly once; %d requests answered 503 in between (last %.1f s after the kill), "
                                + "none 500, none unanswered; first label acknowledged after the last 503: %.1f s after the kill%n",
                        LABELERS, load.acknowledged.size(), acknowledgedAtKill, load.acknowledged.size(),
                        load.notAcknowledged.size(), (last503 - killedAt) / 1e9, (firstAfter - killedAt) / 1e9);
            }
        }
    }
}
