package dev.rlhf.web.evaluation;

import dev.rlhf.web.models.ModelRegistry;

import dev.rlhf.lm.formats.TldrPost;
import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.evaluation.EvaluationFixture.Outcome;
import dev.rlhf.web.runs.Run;
import dev.rlhf.web.runs.RunKind;
import dev.rlhf.web.runs.RunQueue;
import dev.rlhf.web.support.Chromium;
import dev.rlhf.web.support.MockMvcTest;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.rlhf.web.evaluation.EvaluationFixture.JSON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The hand count: a policy-vs-policy evaluation batch (K = 3, ties allowed) labelled through the labeler API by three
 * labelers with a known pattern of wins, ties and losses, and known reward-model scores. The API, the page and the
 * browser show exactly the counts, win rates and interval bounds worked out by hand below.
 */
@PlatformTest
class EvaluationWinRateTest extends MockMvcTest {
    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ModelRegistry registry;
    @Autowired
    RunQueue queue;
    @Autowired
    EvaluationStore store;

    ChromeDriver browser;

    @AfterEach
    void closeBrowser() {
        if (browser != null) browser.quit();
    }

    /**
     * Outcome for policy A per comparison (rows) and labeler (columns); null: that labeler gives no label. Comparison 4
     * gets no label at all (it is left out of every figure).
     */
    static final Outcome[][] PLAN = {
            {Outcome.WIN, Outcome.WIN, Outcome.WIN},
            {Outcome.WIN, Outcome.TIE, Outcome.LOSS},
            {Outcome.LOSS, Outcome.LOSS, Outcome.TIE},
            {Outcome.WIN, Outcome.LOSS, null},
            {null, null, null}};
    /** Reward-model scores (policy A, policy B) per comparison: margins 1, 0, −1, 2, 3. */
    static final double[][] REWARDS = {{1.0, 0.0}, {0.0, 0.0}, {-0.5, 0.5}, {2.0, 0.0}, {3.0, 0.0}};

    // ---- The hand count (policy A's side) ----
    // labels N = 3 + 3 + 3 + 2 = 11 on C = 4 labelled comparisons (the fifth has none)
    // wins 3 + 1 + 0 + 1 = 5, ties 0 + 1 + 1 + 0 = 2, losses 0 + 1 + 2 + 1 = 4
    // win rate p = (5 + 2/2) / 11 = 6/11 = 0.5454…
    static final double RATE = 6.0 / 11;
    // per comparison S_c − p·n_c: 3 − 18/11 = 15/11; 1.5 − 18/11 = −1.5/11; 0.5 − 18/11 = −12.5/11; 1 − 12/11 = −1/11
    // Σ (S_c − p·n_c)² = (225 + 2.25 + 156.25 + 1) / 121 = 384.5 / 121
    // V = C/(C − 1) · Σ / N² = 4/3 · 384.5/121 / 121 = 1538 / 43923 = 0.0350158…
    static final double V = 1538.0 / 43923;
    // n_eff = p(1 − p) / V = (30/121) / (1538/43923) = 30 · 363 / 1538 = 10890 / 1538 = 7.0806… (below N = 11)
    static final double N_EFF = 10890.0 / 1538;
    // Wilson at n, z = 1.959964: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
    //   at n_eff = 7.0806: [0.23374, 0.82520]; at N = 11 (labels as independent): [0.28009, 0.78729]
    static final double[] BY_COMPARISON = {0.23374, 0.82520};
    static final double[] BY_LABEL = {0.28009, 0.78729};
    // reward model on the 4 labelled pairs: σ(1) = 0.731059, σ(0) = 0.5, σ(−1) = 0.268941, σ(2) = 0.880797
    //   predicted win rate = (0.731059 + 0.5 + 0.268941 + 0.880797) / 4 = 2.380797 / 4 = 0.595199
    //   ranked first = (1 + ½ + 0 + 1) / 4 = 0.625
    //   agreement: margin > 0 on comparisons 0 and 3 → agree with their wins (3 + 1), disagree with their losses (0 + 1);
    //   margin < 0 on comparison 2 → agree with its losses (2), disagree with its wins (0); comparison 1 (margin 0) left
    //   out → 6 of 7 = 0.857143
    static final double PREDICTED = 0.595199, FIRST = 0.625, AGREEMENT = 6.0 / 7;
    // policy B's side: wins 4, ties 2, losses 5, rate 5/11; the same V and n_eff, so the interval mirrored:
    // [1 − 0.82520, 1 − 0.23374] = [0.17480, 0.76626]; RM predicted 1 − 0.595199 = 0.404801, ranked first 0.375

    record Built(long evaluationId, long policyA, long policyB, long rewardModel) {}

    Built build() throws Exception {
        String tag = "hand" + System.nanoTime();
        jdbc.sql("UPDATE batches SET state = 'CLOSED' WHERE state = 'OPEN'").update();
        long a = registry.register(tag + "-policy-A", "SFT", "/nowhere/a", null, null, null, null);
        long b = registry.register(tag + "-policy-B", "POLICY", "/nowhere/b", null, null, null, null);
        long rm = registry.register(tag + "-rm", "REWARD_MODEL", "/nowhere/rm", null, null, null, null);
        EvaluationSpec spec = new EvaluationSpec(a, b, rm, PLAN.length, 3, true, 0.7, 1.0, 0, 48, 7);
        long runId = queue.enqueue(tag, RunKind.EVALUATION, spec.toJson().toString(), a, null, null);
        // the fixture plays the worker: the run is RUNNING on worker "fixture" while the evaluation is written
        jdbc.sql("UPDATE runs SET state = 'RUNNING', worker_id = 'fixture', lease_expires_at = now() + interval '1 hour' WHERE id = ?")
                .param(runId).update();
        Run run = queue.find(runId).orElseThrow();
        List<HeldOutPosts.Post> posts = new ArrayList<>();
        List<String> textsA = new ArrayList<>(), textsB = new ArrayList<>();
        double[] rewardsA = new double[PLAN.length], rewardsB = new double[PLAN.length];
        for (int i = 0; i < PLAN.length; i++) {
            long post = EvaluationFixture.postWithComparison(jdbc, tag, i, "test");
            posts.add(new HeldOutPosts.Post(post, new TldrPost(tag + "-" + i, "relationships", "t", "b", null), null));
            textsA.add("A says " + i + " " + tag);
            textsB.add("B says " + i + " " + tag);
            rewardsA[i] = REWARDS[i][0];
            rewardsB[i] = REWARDS[i][1];
        }
        EvaluationStore.Written written = store.write(run, spec, new EvaluationStore.Sampled(posts, tag + "-policy-A",
                textsA, tag + "-policy-B", textsB, rewardsA, rewardsB), "{}");
        jdbc.sql("UPDATE runs SET state = 'SUCCEEDED', finished_at = now(), lease_expires_at = NULL WHERE id = ?").param(runId).update();
        assertThat(written.comparisons()).isEqualTo(PLAN.length);

        for (int labeler = 0; labeler < 3; labeler++) {
            SignedInUser user = fixtures.signedIn(Role.LABELER);
            int column = labeler;
            for (int row = 0; row < PLAN.length && PLAN[row][column] != null; row++) {
                String body = EvaluationFixture.labelNext(mvc, user, work -> PLAN[postIndex(work.get("body").asString(), tag)][column],
                        text -> text.startsWith("A says "));
                assertThat(postIndex(body, tag)).as("comparisons come in id order").isEqualTo(row);
            }
        }
        return new Built(written.evaluationId(), a, b, rm);
    }

    static int postIndex(String body, String tag) {
        return Integer.parseInt(body.replaceAll("^I am writing about thing number (\\d+) of " + tag + "\\..*$", "$1"));
    }

    @Test
    void theApiAndThePageShowTheHandCount() throws Exception {
        Built built = build();
        SignedInUser researcher = fixtures.signedIn(Role.RESEARCHER);
        JsonNode r = JSON.readTree(mvc.perform(get("/api/evaluations/" + built.evaluationId()).with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString());
        assertThat(r.get("comparisons").asLong()).isEqualTo(5);
        assertThat(r.get("labelledComparisons").asLong()).isEqualTo(4);
        assertThat(r.get("labels").asLong()).isEqualTo(11);
        assertThat(r.get("sides")).hasSize(2);

        JsonNode a = r.get("sides").get(0);
        assertThat(a.get("role").asString()).isEqualTo("policy");
        JsonNode human = a.get("human");
        assertThat(human.get("wins").asLong()).isEqualTo(5);
        assertThat(human.get("ties").asLong()).isEqualTo(2);
        assertThat(human.get("losses").asLong()).isEqualTo(4);
        assertThat(human.get("labels").asLong()).isEqualTo(11);
        assertThat(human.get("comparisons").asLong()).isEqualTo(4);
        assertThat(human.get("rate").asDouble()).isCloseTo(RATE, within(1e-12));
        assertThat(human.get("effectiveLabels").asDouble()).isCloseTo(N_EFF, within(1e-9));
        assertThat(human.get("byComparison").get("low").asDouble()).isCloseTo(BY_COMPARISON[0], within(5e-6));
        assertThat(human.get("byComparison").get("high").asDouble()).isCloseTo(BY_COMPARISON[1], within(5e-6));
        assertThat(human.get("byLabel").get("low").asDouble()).isCloseTo(BY_LABEL[0], within(5e-6));
        assertThat(human.get("byLabel").get("high").asDouble()).isCloseTo(BY_LABEL[1], within(5e-6));
        JsonNode rm = a.get("rewardModel");
        assertThat(rm.get("pairs").asLong()).isEqualTo(4);
        assertThat(rm.get("predictedWinRate").asDouble()).isCloseTo(PREDICTED, within(1e-6));
        assertThat(rm.get("rankedFirst").asDouble()).isCloseTo(FIRST, within(1e-12));
        assertThat(rm.get("agreeing").asLong()).isEqualTo(6);
        assertThat(rm.get("disagreeing").asLong()).isEqualTo(1);
        assertThat(rm.get("agreement").asDouble()).isCloseTo(AGREEMENT, within(1e-12));

        JsonNode b = r.get("sides").get(1);
        assertThat(b.get("role").asString()).isEqualTo("opponent");
        assertThat(b.get("human").get("wins").asLong()).isEqualTo(4);
        assertThat(b.get("human").get("ties").asLong()).isEqualTo(2);
        assertThat(b.get("human").get("losses").asLong()).isEqualTo(5);
        assertThat(b.get("human").get("rate").asDouble()).isCloseTo(5.0 / 11, within(1e-12));
        assertThat(b.get("human").get("byComparison").get("low").asDouble()).isCloseTo(1 - BY_COMPARISON[1], within(5e-6));
        assertThat(b.get("human").get("byComparison").get("high").asDouble()).isCloseTo(1 - BY_COMPARISON[0], within(5e-6));
        assertThat(b.get("rewardModel").get("predictedWinRate").asDouble()).isCloseTo(1 - PREDICTED, within(1e-6));
        assertThat(b.get("rewardModel").get("rankedFirst").asDouble()).isCloseTo(0.375, within(1e-12));

        String page = mvc.perform(get("/research/evaluations/" + built.evaluationId()).with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("a tie counts as half a win", "id=\"evaluation-labels\">11<", "id=\"evaluation-comparisons\">5<",
                ">0.545<", ">[0.234, 0.825]<", ">[0.280, 0.787]<", ">7.081<", ">0.595<", ">0.625<", ">0.857 (6 of 7)<",
                ">0.455<", ">[0.175, 0.766]<", ">0.405<", ">0.375<");
        String list = mvc.perform(get("/research/evaluations").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(list).contains("data-evaluation=\"" + built.evaluationId() + "\"", ">4 of 5 labelled<", ">[0.234, 0.825]<");
        // the model page links to the model's evaluations, which list this one
        assertThat(mvc.perform(get("/research/models/" + built.policyB()).with(user(researcher))).andReturn().getResponse()
                .getContentAsString()).contains("href=\"/research/evaluations?model=" + built.policyB() + "\"");
        assertThat(mvc.perform(get("/research/evaluations?model=" + built.policyB()).with(user(researcher))).andReturn()
                .getResponse().getContentAsString()).contains("data-evaluation=\"" + built.evaluationId() + "\"");
        assertThat(mvc.perform(get("/research/evaluations?model=" + built.rewardModel()).with(user(researcher))).andReturn()
                .getResponse().getContentAsString()).doesNotContain("data-evaluation=\"" + built.evaluationId() + "\"");
    }

    @Test
    void theBrowserShowsTheFiguresAndTheChart() throws Exception {
        Built built = build();
        browser = Chromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Chromium.signIn(browser, wait, "http://localhost:" + port + "/research/runs", "researcher", PlatformTest.DEMO_RESEARCHER_PASSWORD);
        Chromium.follow(browser, wait, "evaluations-link", "evaluation-list");
        browser.findElement(By.cssSelector("tr[data-evaluation='" + built.evaluationId() + "'] a")).click();
        wait.until(d -> !d.findElements(By.id("evaluation-page")).isEmpty());
        assertThat(browser.getCurrentUrl()).endsWith("/research/evaluations/" + built.evaluationId());

        WebElement policy = browser.findElement(By.cssSelector("#evaluation-sides tr[data-role='policy']"));
        assertThat(policy.findElement(By.className("rate")).getText()).isEqualTo("0.545");
        assertThat(policy.findElement(By.className("wins")).getText()).isEqualTo("5");
        assertThat(policy.findElement(By.className("ties")).getText()).isEqualTo("2");
        assertThat(policy.findElement(By.className("losses")).getText()).isEqualTo("4");
        assertThat(policy.findElement(By.className("labels")).getText()).isEqualTo("11");
        assertThat(policy.findElement(By.className("interval")).getText()).isEqualTo("[0.234, 0.825]");
        assertThat(policy.findElement(By.className("label-interval")).getText()).isEqualTo("[0.280, 0.787]");
        assertThat(policy.findElement(By.className("predicted")).getText()).isEqualTo("0.595");
        WebElement opponent = browser.findElement(By.cssSelector("#evaluation-sides tr[data-role='opponent']"));
        assertThat(opponent.findElement(By.className("rate")).getText()).isEqualTo("0.455");

        // the chart: per side the interval bar, the human rate and the reward model's prediction, at 100 + 400·value
        List<WebElement> rates = browser.findElements(By.cssSelector("#win-rate-chart circle.human-rate"));
        assertThat(rates).hasSize(2);
        assertThat(Double.parseDouble(rates.get(0).getAttribute("cx"))).isCloseTo(100 + 400 * RATE, within(1e-6));
        assertThat(Double.parseDouble(rates.get(1).getAttribute("cx"))).isCloseTo(100 + 400 * (1 - RATE), within(1e-6));
        List<WebElement> bars = browser.findElements(By.cssSelector("#win-rate-chart line.interval-bar"));
        assertThat(bars).hasSize(2);
        assertThat(Double.parseDouble(bars.get(0).getAttribute("x1"))).isCloseTo(100 + 400 * BY_COMPARISON[0], within(0.01));
        assertThat(Double.parseDouble(bars.get(0).getAttribute("x2"))).isCloseTo(100 + 400 * BY_COMPARISON[1], within(0.01));
        List<WebElement> predicted = browser.findElements(By.cssSelector("#win-rate-chart rect.rm-predicted"));
        assertThat(predicted).hasSize(2);
        assertThat(Double.parseDouble(predicted.get(0).getAttribute("x"))).isCloseTo(96 + 400 * PREDICTED, within(0.001));

        browser.findElement(By.id("evaluation-policy")).click();
        wait.until(d -> !d.findElements(By.id("model-page")).isEmpty());
        assertThat(browser.getCurrentUrl()).endsWith("/research/models/" + built.policyA());
        browser.findElement(By.id("model-evaluations")).click();
        wait.until(d -> !d.findElements(By.id("evaluation-list")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("tr[data-evaluation='" + built.evaluationId() + "']"))).hasSize(1);
    }
}
