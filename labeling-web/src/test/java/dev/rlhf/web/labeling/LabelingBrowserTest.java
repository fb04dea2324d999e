package dev.rlhf.web.labeling;

import dev.rlhf.web.batch.BatchInstructions;
import dev.rlhf.web.batch.BatchMode;
import dev.rlhf.web.support.Chromium;
import dev.rlhf.web.support.Fixtures;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo labeler signs in with real headless Chromium and answers three comparisons with the keyboard;
 * the stored canonical choice/confidence must match the sides that were on screen.
 */
@PlatformTest
class LabelingBrowserTest {
    @LocalServerPort
    int port;
    @Autowired
    Fixtures fixtures;
    @Autowired
    BatchInstructions instructions;

    ChromeDriver browser;

    @AfterEach
    void quit() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void demoLabelerAnswersThreeComparisonsByKeyboard() throws Exception {
        long batchId = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 3, true, 5).getId();
        browser = Chromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));

        Chromium.signIn(browser, wait, "http://localhost:" + port + "/labeling", "labeler", PlatformTest.DEMO_LABELER_PASSWORD);
        wait.until(d -> d.getCurrentUrl().contains("/labeling") && !d.findElements(By.id("label-form")).isEmpty());

        String[][] keystrokes = {{"2"}, {"f", "8"}, {"5"}};
        for (String[] keys : keystrokes) {
            String assignmentId = hidden(browser, "assignmentId");
            String left = browser.findElement(By.cssSelector("#candidate-0 .summary-text")).getText();
            String right = browser.findElement(By.cssSelector("#candidate-1 .summary-text")).getText();
            assertNothingRevealsThePolicies(browser.getPageSource(), Long.parseLong(assignmentId));

            Actions typing = new Actions(browser);
            for (String key : keys) {
                typing.sendKeys(key);
            }
            typing.perform();
            wait.until(d -> !d.findElements(By.id("no-work")).isEmpty()
                    || !d.findElements(By.name("assignmentId")).isEmpty() && !assignmentId.equals(hidden(d, "assignmentId")));

            int screen = Integer.parseInt(keys[keys.length - 1]);
            Map<String, Object> label = fixtures.jdbc().sql("""
                            SELECT l.choice, l.confidence, l.flags::text AS flags,
                                   (SELECT s.text FROM comparison_summaries cs JOIN summaries s ON s.id = cs.summary_id
                                    WHERE cs.comparison_id = l.comparison_id AND cs.position = 0) AS canonical0,
                                   (SELECT s.text FROM comparison_summaries cs JOIN summaries s ON s.id = cs.summary_id
                                    WHERE cs.comparison_id = l.comparison_id AND cs.position = 1) AS canonical1
                            FROM labels l WHERE l.assignment_id = ?""")
                    .param(Long.parseLong(assignmentId)).query().singleRow();
            boolean leftIsCanonical0 = left.equals(label.get("canonical0"));
            assertThat(leftIsCanonical0 ? right : left).isEqualTo(label.get("canonical1"));
            assertThat(label.get("confidence")).isEqualTo(leftIsCanonical0 ? screen : 10 - screen);
            String preferredText = screen < 5 ? left : screen > 5 ? right : null;
            Integer expectedChoice = preferredText == null ? null : preferredText.equals(label.get("canonical0")) ? 0 : 1;
            assertThat(label.get("choice")).isEqualTo(expectedChoice);
            assertThat(label.get("flags")).isEqualTo(keys.length > 1 ? "{unsuitable}" : "{}");
        }

        assertThat(fixtures.labelsOfBatch(batchId)).isEqualTo(3);
        assertThat(fixtures.jdbc().sql("""
                        SELECT count(*) FROM labels l JOIN users u ON u.id = l.labeler_id
                        JOIN comparisons c ON c.id = l.comparison_id WHERE u.username = 'labeler' AND c.batch_id = ?""")
                .param(batchId).query(Long.class).single()).isEqualTo(3);
        assertThat(browser.findElement(By.id("stat-today")).getText()).isNotEqualTo("0");
    }

    /**
     * The batch's instructions stand above the comparison as plain text with their line breaks; the labeler opens the
     * skip form with S, picks a reason, adds a text and skips: the skip is stored and the next comparison is another.
     */
    @Test
    void instructionsShowAboveTheComparisonAndTheLabelerSkipsWithAReason() throws Exception {
        long batchId = fixtures.onlyOpenBatch(BatchMode.PAIRWISE, 1, false, 3).getId();
        String text = "Prefer the summary a reader of the post would write.\nIgnore typos. <b>not bold</b>";
        instructions.set(batchId, text);
        browser = Chromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));

        Chromium.signIn(browser, wait, "http://localhost:" + port + "/labeling", "labeler", PlatformTest.DEMO_LABELER_PASSWORD);
        wait.until(d -> d.getCurrentUrl().contains("/labeling") && !d.findElements(By.id("label-form")).isEmpty());

        WebElement shown = browser.findElement(By.id("instructions-text"));
        assertThat(shown.getText()).isEqualTo(text);
        assertThat(browser.findElements(By.cssSelector("#instructions-text b"))).isEmpty();
        assertThat(shown.getLocation().getY()).isLessThan(browser.findElement(By.id("post-title")).getLocation().getY());

        String assignmentId = hidden(browser, "assignmentId");
        long skipped = fixtures.jdbc().sql("SELECT comparison_id FROM assignments WHERE id = ?")
                .param(Long.parseLong(assignmentId)).query(Long.class).single();
        assertThat(browser.findElement(By.id("skip-offensive")).isDisplayed()).isFalse();
        new Actions(browser).sendKeys("s").perform();
        wait.until(d -> d.findElement(By.id("skip-offensive")).isDisplayed());
        browser.findElement(By.id("skip-offensive")).click();
        browser.findElement(By.id("skip-text")).sendKeys("slurs in summary B");
        browser.findElement(By.id("send-skip")).click();
        wait.until(d -> !d.findElements(By.id("no-work")).isEmpty()
                || !d.findElements(By.name("assignmentId")).isEmpty() && !assignmentId.equals(hidden(d, "assignmentId")));

        Map<String, Object> skip = fixtures.jdbc().sql("""
                        SELECT s.comparison_id, s.batch_id, s.reason, s.text, u.username FROM skips s
                        JOIN users u ON u.id = s.labeler_id WHERE s.assignment_id = ?""")
                .param(Long.parseLong(assignmentId)).query().singleRow();
        assertThat(skip).containsEntry("comparison_id", skipped).containsEntry("batch_id", batchId)
                .containsEntry("reason", "offensive").containsEntry("text", "slurs in summary B")
                .containsEntry("username", "labeler");
        long next = fixtures.jdbc().sql("SELECT comparison_id FROM assignments WHERE id = ?")
                .param(Long.parseLong(hidden(browser, "assignmentId"))).query(Long.class).single();
        assertThat(next).isNotEqualTo(skipped);
        assertThat(browser.findElement(By.id("instructions-text")).getText()).isEqualTo(text);
        long skips = fixtures.jdbc().sql("SELECT count(*) FROM skips s JOIN users u ON u.id = s.labeler_id WHERE u.username = 'labeler'")
                .query(Long.class).single();
        assertThat(browser.findElement(By.id("stat-skips")).getText()).isEqualTo(String.valueOf(skips));
    }

    private static String hidden(WebDriver driver, String name) {
        WebElement input = driver.findElement(By.name(name));
        return input.getDomProperty("value");
    }

    private void assertNothingRevealsThePolicies(String html, long assignmentId) {
        List<Map<String, Object>> summaries = fixtures.jdbc().sql("""
                        SELECT s.id, s.policy FROM assignments a
                        JOIN comparison_summaries cs ON cs.comparison_id = a.comparison_id
                        JOIN summaries s ON s.id = cs.summary_id WHERE a.id = ?""")
                .param(assignmentId).query().listOfRows();
        assertThat(summaries).hasSize(2);
        for (Map<String, Object> summary : summaries) {
            assertThat(html).doesNotContain((String) summary.get("policy"));
            assertThat(html).doesNotContainPattern("summar[a-z_-]*id");
        }
    }
}
