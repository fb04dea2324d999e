package dev.rlhf.web.runs;

import dev.rlhf.web.cards.Card;
import dev.rlhf.web.models.ModelCards;
import dev.rlhf.web.models.ModelLineage;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.models.TrainedModels;
import dev.rlhf.web.models.ModelRegistry;
import dev.rlhf.web.models.RewardModelDashboard;
import dev.rlhf.web.snapshots.LabelSnapshots;

import dev.rlhf.reward.eval.Accuracy;
import dev.rlhf.reward.eval.CalibrationBin;
import dev.rlhf.reward.eval.Evaluation;
import dev.rlhf.web.account.Role;
import dev.rlhf.web.batch.ComparisonStore;
import dev.rlhf.web.importing.FileImporter;
import dev.rlhf.web.support.Chromium;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.util.HtmlUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Model cards: a registered reward model's card shows its stored evaluation, the accuracy interval and the snapshot's
 * statistics; a model trained through the queue carries its card as README.md; the registry page and the model page's
 * lineage in headless Chromium; a card that cannot be written leaves no registry row.
 */
@PlatformTest
class ModelCardTest extends OwnWorkerTest {
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    FileImporter importer;
    @Autowired
    LabelSnapshots snapshots;
    @Autowired
    ComparisonStore comparisons;
    @Autowired
    ModelCards cards;
    @Autowired
    TrainedModels trained;
    @Autowired
    ModelLineage lineage;

    ChromeDriver browser;

    @AfterEach
    void closeTheBrowser() {
        if (browser != null) browser.quit();
    }

    /**
     * A reward model registered with a known evaluation: 26 of 40 validation pairs right (accuracy 0.650), log loss
     * 0.61, ECE 0.12, on the hand-counted snapshot of {@link DataCardTest}. The 95% Wilson interval by hand:
     * p = 0.65, n = 40, z = 1.959964, z² = 3.841459, z²/n = 0.0960365;
     * centre = (0.65 + 0.0480182) / 1.0960365 = 0.636856; half = 1.959964 / 1.0960365 · √(0.65·0.35/40 + 3.841459/6400)
     * = 1.788232 · √(0.0056875 + 0.00060023) = 1.788232 · 0.0792952 = 0.141798 → [0.495, 0.779].
     */
    long knownRewardModel(String tag, long snapshot) {
        Map<String, Accuracy> none = Map.of();
        List<CalibrationBin> bins = new ArrayList<>();
        for (int b = 0; b < 10; b++) bins.add(new CalibrationBin(b / 10.0, (b + 1) / 10.0, b == 6 ? 40 : 0, b == 6 ? 0.65 : null, b == 6 ? 0.65 : null));
        Evaluation known = new Evaluation(40, 26 / 40.0, 0.61, none, none, none, bins, 0.12, none, List.of());
        return registry.register(tag + "-rm", "REWARD_MODEL", "/nowhere/" + tag, null, null, snapshot,
                "{\"validation_accuracy\": 0.65, \"train_examples\": 120, \"validation_examples\": 40, \"evaluation\": "
                        + RewardModelDashboard.jsonbSafe(known.toJson()) + "}");
    }

    @Test
    void aRegisteredRewardModelsCardShowsTheStoredNumbersTheIntervalAndTheSnapshot() throws Exception {
        String tag = "mc" + System.nanoTime();
        long snapshot = DataCardTest.handKnownSnapshot(importer, snapshots, comparisons, jdbc, dir, tag);
        long id = knownRewardModel(tag, snapshot);

        Card card = cards.of(registry.find(id).orElseThrow());
        assertThat(card.value("evaluation", "pairs")).isEqualTo("40");
        assertThat(card.value("evaluation", "accuracy")).isEqualTo("0.650 (26 of 40)");
        assertThat(card.value("evaluation", "accuracy-interval")).isEqualTo("[0.495, 0.779]");
        assertThat(card.value("evaluation", "log-loss")).isEqualTo("0.610");
        assertThat(card.value("evaluation", "ece")).isEqualTo("0.120");
        assertThat(card.value("training-data", "snapshot")).isEqualTo("#" + snapshot + " " + tag + "-snapshot");
        assertThat(card.value("training-data", "labels")).isEqualTo("9");
        assertThat(card.value("training-data", "comparisons")).isEqualTo("4");
        assertThat(card.value("training-data", "labelers")).isEqualTo("3");
        assertThat(card.value("training-data", "tie-share")).isEqualTo("0.100 (1 of 10)");
        assertThat(card.value("training-data", "alpha")).isEqualTo("0.067");
        assertThat(card.value("training-data", "train-examples")).isEqualTo("120");
        assertThat(card.value("training-data", "validation-examples")).isEqualTo("40");
        // facts that are not there are said to be missing
        assertThat(card.value("details", "architecture")).isEqualTo("missing: the directory is not there");
        assertThat(card.value("details", "tokenizer")).isEqualTo("missing: the directory is not there");
        assertThat(card.value("details", "run")).isEqualTo("none: registered without a run");
        assertThat(card.value("details", "parent")).isEqualTo("none recorded");
        assertThat(card.section("details").table()).isNull();
        assertThat(card.section("limitations").notes()).anySatisfy(n -> assertThat(n)
                        .startsWith("Small validation set: 40 pairs give a 95% interval of [0.495, 0.779] for the accuracy (± 0.142)"))
                .anySatisfy(n -> assertThat(n).startsWith("Only 3 labelers (fewer than 5)"))
                .anySatisfy(n -> assertThat(n).startsWith("Low inter-labeler agreement: α = 0.067"))
                .anySatisfy(n -> assertThat(n).startsWith("Poorly calibrated: expected calibration error 0.120"))
                .anySatisfy(n -> assertThat(n).startsWith("1 tie label matched the snapshot's filter"))
                .anySatisfy(n -> assertThat(n).startsWith("Small preference data set: 4 comparisons"))
                .anySatisfy(n -> assertThat(n).contains("is not readable here"))
                .anySatisfy(n -> assertThat(n).startsWith("Not distinguishable from chance"));
        assertThat(card.section("intended-use").notes()).hasSize(2);

        // the model page: the dashboard as before, the card's facts, the link to the data card; the Markdown download
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String page = mvc.perform(get("/research/models/" + id).with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"model-accuracy\" data-value=\"0.65\">0.650<", "id=\"model-ece\" data-value=\"0.12\">0.120<",
                "href=\"/research/snapshots/" + snapshot + "\"", "href=\"/research/models/" + id + "/card.md\"");
        for (Card.Section s : card.sections()) {
            assertThat(page).contains("id=\"model-card-" + s.id() + "\"");
            for (Card.Fact f : s.facts()) {
                assertThat(page).contains("data-key=\"" + f.key() + "\"><th>" + HtmlUtils.htmlEscape(f.label(), "UTF-8")
                        + "</th><td class=\"value\">" + HtmlUtils.htmlEscape(f.value(), "UTF-8") + "</td>");
            }
            for (String n : s.notes()) assertThat(page).contains("<li>" + HtmlUtils.htmlEscape(n, "UTF-8") + "</li>");
        }
        String md = mvc.perform(get("/research/models/" + id + "/card.md").with(user(researcher)))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Type", "text/markdown;charset=UTF-8"))
                .andExpect(header().string("Content-Disposition", "attachment; filename=\"model-" + id + "-card.md\""))
                .andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(md).isEqualTo(card.markdown()).startsWith("# Model card: #" + id + " " + tag + "-rm\n")
                .contains("## Evaluation results", "| Accuracy, 95% interval (Wilson) | [0.495, 0.779] |", "| Log loss | 0.610 |");
        mvc.perform(get("/research/models/" + id + "/card.md").with(user(fixtures.signedIn(Role.LABELER))))
                .andExpect(status().isForbidden());
    }

    @Test
    void aModelTrainedThroughTheQueueCarriesItsCardAsReadmeAndTheRegistryShowsItsLineage() throws Exception {
        String tag = "mq" + System.nanoTime();
        startWorker("w-cards", Duration.ofSeconds(30));
        long run1 = queue.enqueue(tag + "-scratch", RunKind.SFT, RunTestSupport.tinySft(8, 4), null, null, null);
        Run first = succeeded("the first SFT run", run1, Duration.ofSeconds(90));
        long run2 = queue.enqueue(tag + "-child", RunKind.SFT, RunTestSupport.tinySft(8, 4), first.outputModelId(), null, null);
        Run second = succeeded("the second SFT run", run2, Duration.ofSeconds(90));
        ModelRegistry.Model parent = registry.find(first.outputModelId()).orElseThrow();
        ModelRegistry.Model child = registry.find(second.outputModelId()).orElseThrow();
        JsonNode metrics = JSON.readTree(child.metrics());

        // README.md in the model directory: exactly the card the page serves
        Path readme = Path.of(child.path()).resolve("README.md");
        assertThat(readme).exists();
        String text = Files.readString(readme);
        var researcher = fixtures.signedIn(Role.RESEARCHER);
        String md = mvc.perform(get("/research/models/" + child.id() + "/card.md").with(user(researcher)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(text).isEqualTo(md);
        // 1 layer, width 16, context 320, vocabulary 257: wte 257·16 = 4,112, wpe 320·16 = 5,120; per layer ln_1 32,
        // c_attn 16·48 + 48 = 816, attn c_proj 16·16 + 16 = 272, ln_2 32, c_fc 16·64 + 64 = 1,088,
        // mlp c_proj 64·16 + 16 = 1,040 (3,280); ln_f 32: 12,544
        assertThat(text).contains("| Kind | SFT |", "| Parameters (stored tensors) | 12,544 (F32) |",
                "1 layer, 1 head, width 16, MLP width 64, context 320 positions, vocabulary 257",
                "| Tokenizer | byte-level", "| Parent model | #" + parent.id() + " " + parent.name() + " (SFT) |",
                "| Run | #" + run2 + " " + tag + "-child (SFT", "| learningRate | 0.003 |", "| maxPosts | 8 |",
                "| Posts (reference summaries as completions) | " + metrics.get("posts").asLong() + " |",
                "| Final training loss | " + String.format(Locale.ROOT, "%.4f", metrics.get("loss").asDouble()) + " |",
                "| Steps | 8 |", "Its lineage starts from scratch (model #" + parent.id() + " had no parent)",
                "- Byte-level tokenizer", "- Only the training loss is recorded");
        assertThat(metrics.get("posts").asLong()).isBetween(1L, 8L);
        // the posts the run recorded: the card counts the subreddits over exactly those
        long subreddits = jdbc.sql("SELECT count(DISTINCT p.subreddit) FROM run_posts rp JOIN posts p ON p.id = rp.post_id WHERE rp.run_id = ?")
                .param(run2).query(Long.class).single();
        assertThat(subreddits).isPositive();
        assertThat(text).contains("| Prompt set | split any, every subreddit |", "(the run's prompt set, recorded) |",
                "| Subreddits | " + subreddits + " (");
        assertThat(Files.readString(Path.of(parent.path()).resolve("README.md")))
                .contains("| Parent model | none: trained from scratch |", "- Trained from scratch");

        // a reward model on the hand-counted snapshot, for the data-card link
        long snapshot = DataCardTest.handKnownSnapshot(importer, snapshots, comparisons, jdbc, dir, tag);
        long rm = knownRewardModel(tag, snapshot);

        browser = Chromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        Chromium.signIn(browser, wait, "http://localhost:" + port + "/research/runs", "researcher", PlatformTest.DEMO_RESEARCHER_PASSWORD);
        Chromium.follow(browser, wait, "registry-link", "registry");
        WebElement row = browser.findElement(By.cssSelector("#registry tr[data-model='" + child.id() + "']"));
        assertThat(row.findElement(By.className("kind")).getText()).isEqualTo("SFT");
        assertThat(row.findElement(By.className("run")).getText()).isEqualTo("#" + run2 + " " + tag + "-child");
        assertThat(row.findElement(By.className("parent")).getText()).isEqualTo("#" + parent.id() + " " + parent.name());
        assertThat(row.findElement(By.className("snapshot")).getText()).isEqualTo("–");
        assertThat(row.findElement(By.cssSelector(".metric[data-name='loss']")).getText())
                .isEqualTo("loss " + String.format(Locale.ROOT, "%.4f", metrics.get("loss").asDouble()));
        assertThat(row.findElement(By.className("created")).getText()).isEqualTo(child.createdAt().toString());
        WebElement rmRow = browser.findElement(By.cssSelector("#registry tr[data-model='" + rm + "']"));
        assertThat(rmRow.findElement(By.className("snapshot")).getText()).isEqualTo("#" + snapshot + " " + tag + "-snapshot");

        // the model page: lineage back to the root, the generated card
        row.findElement(By.cssSelector(".name a")).click();
        wait.until(d -> !d.findElements(By.id("lineage-chain")).isEmpty());
        assertThat(browser.findElements(By.cssSelector("#lineage-chain tbody tr"))).extracting(r -> r.getAttribute("data-model"))
                .containsExactly(Long.toString(child.id()), Long.toString(parent.id()));
        assertThat(browser.findElements(By.cssSelector("#lineage-chain tbody tr td.run"))).extracting(WebElement::getText)
                .containsExactly("#" + run2 + " " + tag + "-child", "#" + run1 + " " + tag + "-scratch");
        assertThat(browser.findElement(By.cssSelector("#model-card-details tr[data-key='parameters'] .value")).getText())
                .isEqualTo("12,544 (F32)");
        assertThat(browser.findElement(By.cssSelector("#model-card-evaluation tr[data-key='steps'] .value")).getText()).isEqualTo("8");
        assertThat(browser.findElement(By.id("no-evaluation")).isDisplayed()).isTrue();

        // from the reward model's page to its snapshot's data card
        browser.get("http://localhost:" + port + "/research/models/" + rm);
        wait.until(d -> !d.findElements(By.id("model-data-card")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("#model-card-evaluation tr[data-key='accuracy-interval'] .value")).getText())
                .isEqualTo("[0.495, 0.779]");
        browser.findElement(By.id("model-data-card")).click();
        wait.until(d -> !d.findElements(By.id("data-card")).isEmpty());
        assertThat(browser.findElement(By.cssSelector("#data-card-agreement tr[data-key='alpha'] .value")).getText()).isEqualTo("0.067");
        assertThat(browser.findElement(By.cssSelector("#data-card-agreement tr[data-key='pairwise'] .value")).getText())
                .isEqualTo("0.571 (4 of 7)");
        assertThat(browser.findElements(By.cssSelector("#snapshot-models a"))).extracting(a -> a.getAttribute("data-model"))
                .containsExactly(Long.toString(rm));
    }

    @Test
    void aCardThatCannotBeWrittenLeavesNoRegistryRow() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "not a model directory");
        String name = "unwritable " + System.nanoTime();
        assertThatThrownBy(() -> trained.register(name, "SFT", notADirectory.toString(), null, null, null, "{}"))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("could not write the model card");
        assertThat(jdbc.sql("SELECT count(*) FROM models WHERE name = :n").param("n", name).query(Long.class).single()).isZero();
    }

    @Test
    void aLineageRunsFromTheModelToItsRootAndStopsAtARepeatedId() throws Exception {
        String tag = "chain " + System.nanoTime();
        long a = registry.register(tag + " a", "BASE", dir.toString(), null, null, null, "{}");
        long b = registry.register(tag + " b", "SFT", dir.toString(), a, null, null, "{}");
        long c = registry.register(tag + " c", "POLICY", dir.toString(), b, null, null, "{}");
        ModelRegistry.Model last = registry.find(c).orElseThrow();
        assertThat(lineage.of(last)).extracting(step -> step.model().id()).containsExactly(c, b, a);
        assertThat(lineage.of(last)).allSatisfy(step -> assertThat(step.run()).isNull());

        // a cycle written behind the registry's back: the chain ends before the first repeated id
        jdbc.sql("UPDATE models SET parent_model_id = :c WHERE id = :a").param("c", c).param("a", a).update();
        try {
            assertThat(lineage.of(last)).extracting(step -> step.model().id()).containsExactly(c, b, a);
            assertThat(lineage.of(registry.find(b).orElseThrow())).extracting(step -> step.model().id()).containsExactly(b, a, c);
        } finally {
            jdbc.sql("UPDATE models SET parent_model_id = NULL WHERE id = :a").param("a", a).update();
        }
    }
}
