package dev.rlhf.web.fault;

import dev.rlhf.web.support.ForkedPlatform;
import dev.rlhf.web.support.LabelingLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault suite, 1: the application is killed (kill -9) while 8 labelers submit through the API, and started again on
 * the same data directory. Every label it acknowledged is in the database exactly once; the recovery time (kill to
 * the first acknowledged label of the restarted application) is measured.
 */
class AppKilledUnderLoadTest {
    static final int LABELERS = 8;

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedLabelIsThereExactlyOnceAfterKill9AndRestart() throws Exception {
        Path dataDir = this.dataDir.resolve("data"); // the child's output goes beside it, inside the temporary directory
        AtomicReference<ForkedPlatform> app = new AtomicReference<>(ForkedPlatform.start(dataDir, FaultChecks.PLENTY_OF_WORK));
        List<String> labelers = FaultChecks.labelers(app.get(), LABELERS);
        long killedAt;
        long upAt;
        int acknowledgedBeforeKill;
        try (LabelingLoad load = new LabelingLoad(() -> app.get().uri("/"), labelers, FaultChecks.LABELER_PASSWORD).start()) {
            FaultChecks.await("300 acknowledged labels", Duration.ofMinutes(3), () -> load.acknowledgedCount() >= 300);
            long orphan = ForkedPlatform.postmasterPid(dataDir);
            killedAt = System.nanoTime();
            app.get().kill();
            acknowledgedBeforeKill = load.acknowledgedCount();
            assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).as("the postmaster outlived the app").isPresent();

            app.set(ForkedPlatform.start(dataDir, FaultChecks.PLENTY_OF_WORK));
            upAt = System.nanoTime();
            FaultChecks.await("a label acknowledged by the restarted app", Duration.ofMinutes(2),
                    () -> load.anyAcknowledgedAfter(upAt));
            FaultChecks.await("labeling to go on", Duration.ofMinutes(2),
                    () -> load.acknowledgedCount() >= acknowledgedBeforeKill + 100);
            assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).as("the orphan was stopped").isEmpty();
            load.close();

            long firstAfter = load.acknowledged.stream().mapToLong(a -> a.atNanos()).filter(t -> t > upAt).min().orElseThrow();
            JdbcClient jdbc = JdbcClient.create(ForkedPlatform.database(dataDir));
            FaultChecks.nothingLostNothingHalfStored(jdbc, load.acknowledged);
            long before = load.acknowledged.stream().filter(a -> a.atNanos() < upAt).count();
            System.out.printf("fault suite, app killed: %d labelers; %d labels acknowledged before kill -9, %d found after "
                            + "the restart (exactly once each); %d acknowledged in all, %d found; app up %.1f s after the kill, "
                            + "first acknowledged label %.1f s after the kill; %d requests got no answer (in flight or app down)%n",
                    LABELERS, before, before, load.acknowledged.size(), load.acknowledged.size(),
                    (upAt - killedAt) / 1e9, (firstAfter - killedAt) / 1e9, load.noAnswer.size());
            assertThat(load.notAcknowledged).as("refusals").allSatisfy(r -> assertThat(r.status()).isIn(503));
        } finally {
            app.get().close();
        }
    }
}
