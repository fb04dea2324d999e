package dev.rlhf.web.runs;

import dev.rlhf.web.snapshots.LabelSnapshots;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.support.Chromium;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The reward-model form's defaults follow the trunk: left empty, learningRate, minLearningRate and batchSize are the
 * paper's (1.5e-5, 0, 64) for a registered SFT trunk and the scratch defaults (1e-3, 1e-4, 16) for a new trunk, on the
 * form and through the API; the form shows which apply. The application's workers are stopped, so queued runs stay
 * queued while the test reads their config.
 */
@PlatformTest
class RewardModelFormTest extends OwnWorkerTest {
    @Autowired
    LabelSnapshots snapshots;
    @LocalServerPort
    int port;

    double number(long run, String field) {
        return Double.parseDouble(jdbc.sql("SELECT config ->> '" + field + "' FROM runs WHERE id = ?").param(run).query(String.class).single());
    }

    String text(long run, String field) {
        return jdbc.sql("SELECT config ->> '" + field + "' FROM runs WHERE id = ?").param(run).query(String.class).single();
    }

    static long id(String location) {
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    @Test
    void emptyFieldsTakeTheDefaultsOfTheTrunkOnTheFormAndThroughTheApi() throws Exception {
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String tag = "rm-defaults-" + System.nanoTime();
        long snapshot = snapshots.freeze(tag, "no-such-batch", null, null);
        long sft = registry.register(tag + "-sft", "SFT", "/nonexistent/" + tag, null, null, null, null);

        // the form, an SFT trunk and no learning rate: the paper's 1.5e-5 → 0 in batches of 64
        long withTrunk = id(mvc.perform(post("/research/runs").with(user(researcher)).with(csrf())
                        .param("kind", "REWARD_MODEL").param("name", tag + " sft").param("snapshotId", Long.toString(snapshot))
                        .param("baseModelId", Long.toString(sft)).param("learningRate", "").param("batchSize", ""))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl());
        assertThat(number(withTrunk, "learningRate")).isEqualTo(1.5e-5);
        assertThat(number(withTrunk, "minLearningRate")).isEqualTo(0.0);
        assertThat(number(withTrunk, "batchSize")).isEqualTo(64);
        assertThat(number(withTrunk, "microBatchSize")).isEqualTo(8);
        assertThat(text(withTrunk, "normaliseGain")).isEqualTo("false");
        assertThat(number(withTrunk, "splitSeed")).isEqualTo(number(withTrunk, "seed"));

        // the form, a new trunk from scratch: 1e-3 → 1e-4 in batches of 16
        long fromScratch = id(mvc.perform(post("/research/runs").with(user(researcher)).with(csrf())
                        .param("kind", "REWARD_MODEL").param("name", tag + " scratch").param("snapshotId", Long.toString(snapshot)))
                .andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl());
        assertThat(number(fromScratch, "learningRate")).isEqualTo(1e-3);
        assertThat(number(fromScratch, "minLearningRate")).isEqualTo(1e-4);
        assertThat(number(fromScratch, "batchSize")).isEqualTo(16);

        // the API: the same defaults; a value given is kept; the options are checked by name
        String body = mvc.perform(post("/api/runs").with(user(researcher)).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"kind\": \"REWARD_MODEL\", \"name\": \"" + tag + " api\", \"snapshotId\": " + snapshot
                                + ", \"baseModelId\": " + sft + ", \"normaliseGain\": true}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long api = Long.parseLong(body.replaceAll("(?s).*\"id\":(\\d+).*", "$1"));
        assertThat(number(api, "learningRate")).isEqualTo(1.5e-5);
        assertThat(number(api, "batchSize")).isEqualTo(64);
        assertThat(text(api, "normaliseGain")).isEqualTo("true");
        body = mvc.perform(post("/api/runs").with(user(researcher)).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"kind\": \"REWARD_MODEL\", \"name\": \"" + tag + " api scratch\", \"snapshotId\": " + snapshot
                                + ", \"learningRate\": 0.002}"))
                .andExpect(status().isCreated()).andReturn().getResponse().getContentAsString();
        long apiScratch = Long.parseLong(body.replaceAll("(?s).*\"id\":(\\d+).*", "$1"));
        assertThat(number(apiScratch, "learningRate")).isEqualTo(0.002);
        assertThat(number(apiScratch, "minLearningRate")).isEqualTo(1e-4);
        assertThat(number(apiScratch, "batchSize")).isEqualTo(16);

        long before = fixtures.runCount();
        mvc.perform(post("/api/runs").with(user(researcher)).with(csrf()).contentType(MediaType.APPLICATION_JSON)
                        .content("{\"kind\": \"REWARD_MODEL\", \"name\": \"x\", \"snapshotId\": " + snapshot
                                + ", \"normaliseGain\": \"maybe\", \"splitSeed\": \"one\", \"learningRate\": 1e-5}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.fields.normaliseGain").value("must be true or false"))
                .andExpect(jsonPath("$.fields.splitSeed").value("must be a whole number"))
                .andExpect(jsonPath("$.fields.minLearningRate").value(
                        "must be between 0 and learningRate (left empty it is 1.0E-4, the default for a trunk from scratch)"));
        assertThat(fixtures.runCount()).isEqualTo(before);

        // the form names the defaults of both trunks and shows those of the selected one
        String html = mvc.perform(get("/research/runs/new?kind=REWARD_MODEL").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(html).contains("empty: 1.5E-5 with a registered trunk (Stiennon et al. 2020), 0.001 from scratch")
                .contains("empty: 64 with a registered trunk (Stiennon et al. 2020), 16 from scratch")
                .containsPattern("name=\"learningRate\" value=\"\"[^>]*placeholder=\"0.001\"[^>]*data-default-trunk=\"1.5E-5\" data-default-scratch=\"0.001\"")
                .contains("name=\"normaliseGain\" value=\"false\"").contains("name=\"splitSeed\" value=\"\"");
        // a refused form keeps the chosen trunk, and its defaults are the placeholders
        html = mvc.perform(post("/research/runs").with(user(researcher)).with(csrf()).param("kind", "REWARD_MODEL")
                        .param("name", "").param("snapshotId", Long.toString(snapshot)).param("baseModelId", Long.toString(sft)))
                .andExpect(status().isBadRequest()).andReturn().getResponse().getContentAsString();
        assertThat(html).contains("name: is required").containsPattern("name=\"learningRate\" value=\"\"[^>]*placeholder=\"1.5E-5\"");
    }

    /** In Chromium the empty fields show the chosen trunk's defaults, and a run queued with them empty gets those. */
    @Test
    void theBrowserFormShowsTheDefaultsOfTheChosenTrunk() throws Exception {
        String tag = "rm-browser-" + System.nanoTime();
        long snapshot = snapshots.freeze(tag, "no-such-batch", null, null);
        long sft = registry.register(tag + "-sft", "SFT", "/nonexistent/" + tag, null, null, null, null);
        ChromeDriver browser = Chromium.start();
        try {
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            Chromium.signIn(browser, wait, "http://localhost:" + port + "/research/runs/new?kind=REWARD_MODEL", "researcher",
                    PlatformTest.DEMO_RESEARCHER_PASSWORD);
            wait.until(d -> !d.findElements(By.id("run-form")).isEmpty());
            WebElement lr = browser.findElement(By.name("learningRate")), batch = browser.findElement(By.name("batchSize"));
            assertThat(lr.getAttribute("placeholder")).isEqualTo("0.001");
            assertThat(batch.getAttribute("placeholder")).isEqualTo("16");
            new Select(browser.findElement(By.name("baseModelId"))).selectByValue(Long.toString(sft));
            wait.until(d -> "1.5E-5".equals(lr.getAttribute("placeholder")));
            assertThat(batch.getAttribute("placeholder")).isEqualTo("64");
            assertThat(browser.findElement(By.name("minLearningRate")).getAttribute("placeholder")).isEqualTo("0.0");
            new Select(browser.findElement(By.name("baseModelId"))).selectByValue("");
            wait.until(d -> "0.001".equals(lr.getAttribute("placeholder")));
            new Select(browser.findElement(By.name("baseModelId"))).selectByValue(Long.toString(sft));

            browser.findElement(By.name("name")).sendKeys(tag);
            new Select(browser.findElement(By.name("snapshotId"))).selectByValue(Long.toString(snapshot));
            browser.findElement(By.cssSelector("#run-form button[type=submit]")).click();
            wait.until(d -> d.getCurrentUrl().matches(".*/research/runs/\\d+$"));
            long run = id(browser.getCurrentUrl());
            assertThat(number(run, "learningRate")).isEqualTo(1.5e-5);
            assertThat(number(run, "batchSize")).isEqualTo(64);
            assertThat(jdbc.sql("SELECT base_model_id FROM runs WHERE id = ?").param(run).query(Long.class).single()).isEqualTo(sft);
        } finally {
            browser.quit();
        }
    }
}
