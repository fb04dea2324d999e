package dev.rlhf.web.demo;

import dev.rlhf.web.evaluation.MethodComparison;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's whole loop at a tiny scale on the running platform: simulated labelers label over HTTP, SFT, a reward
 * model, PPO, RLOO and DPO go through the queue, each policy gets a human evaluation the labelers answer, and the
 * summary line holds a win rate, an interval and a KL for every method.
 */
@PlatformTest
class LoopDemoTest {
    @Autowired
    ApplicationContext app;
    @Autowired
    JdbcClient jdbc;
    @LocalServerPort
    int port;

    @Test
    void theLoopRunsEndToEndAndReportsEveryMethod() throws Exception {
        dev.rlhf.lm.OfflineEngine.use();
        jdbc.sql("UPDATE batches SET state = 'CLOSED' WHERE state = 'OPEN'").update();   // only the demo's work is open
        String tag = "demo" + System.nanoTime() + "-";
        LoopDemo.Result r = LoopDemo.run(app, "http://127.0.0.1:" + port, LoopDemo.Scale.TINY, 1, tag);
        assertThat(r.rows()).extracting(MethodComparison.Row::method).containsExactlyInAnyOrder("SFT", "PPO", "RLOO", "DPO");
        for (MethodComparison.Row row : r.rows()) {
            assertThat(row.labels()).as(row.method()).isEqualTo(LoopDemo.Scale.TINY.heldOut());
            assertThat(row.winRate()).as(row.method()).isBetween(0.0, 1.0);
            assertThat(row.interval().exists()).as(row.method()).isTrue();
            assertThat(row.kl()).as(row.method()).isNotNull();
        }
        assertThat(r.rows().stream().filter(x -> x.method().equals("SFT")).findFirst().orElseThrow().kl()).isEqualTo(0.0);
        assertThat(r.rewardModelAccuracy()).isBetween(0.0, 1.0);
        JsonNode last = JsonMapper.builder().build().readTree(r.json(1.5));
        for (String k : new String[] {"sft", "ppo", "dpo", "rloo"}) {
            assertThat(last.path("win_rates").path(k).isNumber()).as(k).isTrue();
            assertThat(last.path("intervals").path(k).size()).as(k).isEqualTo(2);
            assertThat(last.path("kl").path(k).isNumber()).as(k).isTrue();
        }
        assertThat(last.path("minutes").asDouble()).isEqualTo(1.5);
        assertThat(r.table()).contains("method", "RLOO", "reward model validation accuracy");
    }
}
