package dev.rlhf.web.runs;

import dev.rlhf.web.models.RewardModelDashboard;

import dev.rlhf.reward.eval.Accuracy;
import dev.rlhf.reward.eval.CalibrationBin;
import dev.rlhf.reward.eval.Evaluation;
import dev.rlhf.web.account.Role;
import dev.rlhf.web.support.Chromium;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The reward-model dashboard: a reward model trained through the queue (with a learning curve) stores its full
 * evaluation in the registry, and headless Chromium shows the stored numbers; the page's role rules. With
 * {@code -Drlhf.screenshots=DIR} the model page is also written to {@code DIR/model-page.png} (the README's).
 */
@PlatformTest
class RewardModelDashboardTest extends OwnWorkerTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    ChromeDriver browser;

    @AfterEach
    void closeTheBrowser() {
        if (browser != null) browser.quit();
    }

    @Test
    void theDashboardShowsTheNumbersTheRunStored() throws Exception {
        String tag = "rmd" + System.nanoTime();
        long snapshot = fixtures.syntheticSnapshot(dir, tag);
        String config = "{\"learningRate\": 0.003, \"minLearningRate\": 0.0003, \"batchSize\": 8, \"microBatchSize\": 8,"
                + " \"epochs\": 2, \"nLayer\": 1, \"nHead\": 1, \"nEmbd\": 16, \"nPositions\": 256, \"learningCurve\": [0.5]}";
        long runId = queue.enqueue(tag, RunKind.REWARD_MODEL, config, null, snapshot, null);
        startWorker("w-rmd", Duration.ofSeconds(30));
        Run run = succeeded("the reward-model run", runId, Duration.ofSeconds(120));
        long modelId = run.outputModelId();

        JsonNode metrics = JSON.readTree(registry.find(modelId).orElseThrow().metrics());
        assertThat(metrics.has("validation_accuracy")).isTrue();
        JsonNode e = metrics.get("evaluation");
        assertThat(e.get("calibration").size()).isEqualTo(10);
        assertThat(e.get("learningCurve").size()).isEqualTo(2);
        assertThat(e.get("byConfidence").size()).isPositive();
        assertThat(e.get("labelerAgreement").size()).isPositive();
        // the model directory carries its card with the stored numbers
        assertThat(Path.of(registry.find(modelId).orElseThrow().path()).resolve("README.md")).content().contains(
                "| Kind | REWARD_MODEL |", "| Validation pairs | " + e.get("pairs").asLong() + " |",
                "| Accuracy | " + RewardModelDashboard.format(e.get("accuracy").asDouble()),
                "| Label snapshot | #" + snapshot + " " + tag + "-snapshot |", "| Labels | 48 |",
                "Accuracy, 95% interval (Wilson)");

        browser = Chromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Chromium.signIn(browser, wait, "http://localhost:" + port + "/research/runs", "researcher", PlatformTest.DEMO_RESEARCHER_PASSWORD);
        wait.until(d -> !d.findElements(By.id("model-list")).isEmpty());
        browser.findElement(By.cssSelector("#model-list a[data-model='" + modelId + "']")).click();
        wait.until(d -> !d.findElements(By.id("model-page")).isEmpty());
        assertThat(browser.getCurrentUrl()).endsWith("/research/models/" + modelId);

        // overall numbers
        assertThat(browser.findElement(By.id("model-pairs")).getText()).isEqualTo(e.get("pairs").asText());
        assertThat(browser.findElement(By.id("model-accuracy")).getText())
                .isEqualTo(RewardModelDashboard.format(e.get("accuracy").asDouble()));
        assertThat(Double.parseDouble(browser.findElement(By.id("model-accuracy")).getAttribute("data-value")))
                .isEqualTo(e.get("accuracy").asDouble());
        assertThat(browser.findElement(By.id("model-log-loss")).getText())
                .isEqualTo(RewardModelDashboard.format(e.get("logLoss").asDouble()));
        assertThat(browser.findElement(By.id("model-ece")).getText())
                .isEqualTo(RewardModelDashboard.format(e.get("expectedCalibrationError").asDouble()));

        // every confidence-bucket row, and the labeler-agreement rows
        assertRows("by-confidence", e.get("byConfidence"));
        assertRows("by-policy-pair", e.get("byPolicyPair"));
        assertRows("by-labeler", e.get("byLabeler"));
        assertRows("labeler-agreement", e.get("labelerAgreement"));

        // calibration: one point per non-empty bin, with the bin's count; the diagonal
        List<JsonNode> nonEmpty = new ArrayList<>();
        e.get("calibration").forEach(b -> { if (b.get("count").asLong() > 0) nonEmpty.add(b); });
        List<WebElement> points = browser.findElements(By.cssSelector("#calibration-chart circle.calibration-point"));
        assertThat(points).hasSize(nonEmpty.size());
        for (int i = 0; i < points.size(); i++) {
            assertThat(points.get(i).getAttribute("data-count")).isEqualTo(nonEmpty.get(i).get("count").asText());
            assertThat(Double.parseDouble(points.get(i).getAttribute("data-observed")))
                    .isEqualTo(nonEmpty.get(i).get("observed").asDouble());
        }
        long pairs = nonEmpty.stream().mapToLong(b -> b.get("count").asLong()).sum();
        assertThat(pairs).isEqualTo(e.get("pairs").asLong());
        assertThat(browser.findElement(By.id("calibration-pairs")).getText()).isEqualTo(Long.toString(pairs));
        assertThat(browser.findElements(By.cssSelector("#calibration-chart line.diagonal"))).hasSize(1);

        // learning curve: the retrained half and the full training set
        List<WebElement> curve = browser.findElements(By.cssSelector("#learning-curve-chart circle.curve-point"));
        assertThat(curve).extracting(c -> c.getAttribute("data-examples"))
                .containsExactly(e.get("learningCurve").get(0).get("trainingExamples").asText(),
                        Long.toString(metrics.get("train_examples").asLong()));
        assertThat(browser.findElement(By.cssSelector("#learning-curve-chart polyline")).getAttribute("points").split(" "))
                .hasSize(2);

        // lineage
        assertThat(browser.findElement(By.id("model-run")).getText()).isEqualTo("#" + runId);
        assertThat(browser.findElement(By.id("model-snapshot")).getText()).isEqualTo("#" + snapshot + " " + tag + "-snapshot (48 labels)");
        assertThat(browser.findElement(By.id("model-parent")).getText()).contains("from scratch");
        dev.rlhf.web.support.Screenshots.take(browser, "model-page", By.id("model-page"), 200);
    }

    private void assertRows(String table, JsonNode groups) {
        List<WebElement> rows = browser.findElements(By.cssSelector("#" + table + " tbody tr"));
        assertThat(rows).as(table).hasSize(groups.size());
        for (WebElement row : rows) {
            JsonNode g = groups.get(row.getAttribute("data-key"));
            assertThat(g).as(table + " " + row.getAttribute("data-key")).isNotNull();
            assertThat(row.findElement(By.className("total")).getText()).isEqualTo(g.get("total").asText());
            assertThat(row.findElement(By.className("correct")).getText()).isEqualTo(g.get("correct").asText());
            assertThat(row.findElement(By.className("accuracy")).getText())
                    .isEqualTo(RewardModelDashboard.format(g.get("accuracy").asDouble()));
        }
    }

    /** A known evaluation (with a non-finite log loss, which jsonb cannot hold) stored for a registered model. */
    @Test
    void researchersAndAdminsSeeTheDashboardLabelersDoNot() throws Exception {
        Map<String, Accuracy> buckets = new LinkedHashMap<>();
        buckets.put("7-9", Accuracy.of(3, 4));
        buckets.put("unknown", Accuracy.of(1, 2));
        List<CalibrationBin> bins = new ArrayList<>();
        for (int b = 0; b < 10; b++) {
            bins.add(b == 7 ? new CalibrationBin(0.7, 0.8, 6, 0.75, 0.5) : new CalibrationBin(b / 10.0, (b + 1) / 10.0, 0, null, null));
        }
        Evaluation known = new Evaluation(6, 4 / 6.0, Double.NaN, buckets, Map.of("a vs b", Accuracy.of(4, 6)),
                Map.of("w1", Accuracy.of(4, 6)), bins, 0.25, Map.of("w1", Accuracy.of(9, 12)), List.of());
        long id = registry.register("known " + System.nanoTime(), "REWARD_MODEL", "/nowhere", null, null, null,
                "{\"validation_accuracy\": 0.6667, \"evaluation\": " + RewardModelDashboard.jsonbSafe(known.toJson()) + "}");

        for (Role role : List.of(Role.RESEARCHER, Role.ADMIN)) {
            String html = mvc.perform(get("/research/models/" + id).with(user(fixtures.signedIn(role))))
                    .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
            assertThat(html).contains("id=\"model-accuracy\" data-value=\"0.6666666666666666\">0.667<",
                    "id=\"model-log-loss\"", ">–<", "id=\"model-ece\" data-value=\"0.25\">0.250<",
                    "data-key=\"7-9\"", ">0.750<", "data-count=\"6\"", "no-learning-curve");
            assertThat(html).containsOnlyOnce("class=\"calibration-point\"");
        }
        mvc.perform(get("/research/models/" + id).with(user(fixtures.signedIn(Role.LABELER))))
                .andExpect(status().isForbidden());
        mvc.perform(get("/research/models/" + id)).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrl("/login"));
        mvc.perform(get("/research/runs").with(user(fixtures.signedIn(Role.RESEARCHER))))
                .andExpect(status().isOk()).andExpect(content().string(org.hamcrest.Matchers.containsString(
                        "href=\"/research/models/" + id + "\"")));
    }
}
