package dev.rlhf.web.runs;

import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Helpers shared by the run tests: tiny SFT configs, waiting, and leaving the queue empty for the next test. */
final class RunTestSupport {
    private RunTestSupport() {
    }

    /** A tiny byte-level model: each step takes milliseconds on one CPU thread. */
    static String tinySft(int steps, int checkpointEvery) {
        return "{\"learningRate\": 0.003, \"minLearningRate\": 0.0003, \"warmupSteps\": 2, \"steps\": " + steps
                + ", \"batchSize\": 2, \"checkpointEvery\": " + checkpointEvery
                + ", \"nLayer\": 1, \"nHead\": 1, \"nEmbd\": 16, \"nPositions\": 64, \"maxPosts\": 8}";
    }

    /** A somewhat larger model, so a run lasts a few seconds (tens of milliseconds per step). */
    static String slowSft(int steps, int checkpointEvery) {
        return "{\"learningRate\": 0.001, \"minLearningRate\": 0.0001, \"warmupSteps\": 2, \"steps\": " + steps
                + ", \"batchSize\": 4, \"checkpointEvery\": " + checkpointEvery
                + ", \"nLayer\": 2, \"nHead\": 2, \"nEmbd\": 64, \"nPositions\": 256, \"maxPosts\": 16}";
    }

    static RunWorker.Settings fast(RunWorkers workers, Duration lease) {
        return new RunWorker.Settings(lease, Duration.ofMillis(200), Duration.ofMillis(100), workers.settings().modelsDir());
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    /** Cancels whatever a test left queued or running, so the next test starts with an empty queue. */
    static void emptyQueue(JdbcClient jdbc) {
        jdbc.sql("UPDATE runs SET state = 'CANCELLED', finished_at = now(), lease_expires_at = NULL WHERE state IN ('QUEUED', 'RUNNING')").update();
    }
}
