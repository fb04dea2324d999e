package dev.rlhf.web.runs;

import dev.rlhf.web.models.ModelRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the tests that run one kind of run through the queue share: while a test runs, the application's own workers
 * are stopped and the queue is empty, so only the test's {@link #worker} takes runs; afterwards it stops, the queue
 * is emptied and the application's workers start again.
 */
abstract class OwnWorkerTest {
    @Autowired
    RunQueue queue;
    @Autowired
    RunWorkers workers;
    @Autowired
    ModelRegistry registry;
    @Autowired
    JdbcClient jdbc;

    RunWorker worker;

    @BeforeEach
    void onlyOurWorker() {
        workers.stop();
        RunTestSupport.emptyQueue(jdbc);
    }

    @AfterEach
    void restoreTheWorkers() throws InterruptedException {
        if (worker != null) worker.stop();
        RunTestSupport.emptyQueue(jdbc);
        workers.start();
    }
}
