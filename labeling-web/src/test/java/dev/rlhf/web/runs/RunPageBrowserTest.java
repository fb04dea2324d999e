package dev.rlhf.web.runs;

import dev.rlhf.web.support.Chromium;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In headless Chromium, the live run page draws new points while the in-process worker trains and writes metrics;
 * the compare page draws two runs on one chart.
 */
@PlatformTest
class RunPageBrowserTest {
    @LocalServerPort
    int port;
    @Autowired
    RunQueue queue;
    @Autowired
    JdbcClient jdbc;

    ChromeDriver browser;

    @AfterEach
    void quit() {
        if (browser != null) browser.quit();
        RunTestSupport.emptyQueue(jdbc);
    }

    static int points(WebDriver d) {
        List<WebElement> charts = d.findElements(By.cssSelector("svg[data-metric='sft/loss']"));
        return charts.isEmpty() ? 0 : Integer.parseInt(charts.get(0).getAttribute("data-points"));
    }

    @Test
    void liveRunPageShowsNewPointsWhileTheRunWritesMetrics() throws Exception {
        RunTestSupport.emptyQueue(jdbc);
        long id = queue.enqueue("watched", RunKind.SFT, RunTestSupport.slowSft(3000, 0), null, null, null);
        browser = Chromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);   // the page reloads after cancel
        Chromium.signIn(browser, wait, "http://localhost:" + port + "/research/runs/" + id, "researcher", PlatformTest.DEMO_RESEARCHER_PASSWORD);
        wait.until(d -> d.getCurrentUrl().contains("/research/runs/" + id) && !d.findElements(By.id("run-page")).isEmpty());

        try {
            wait.until(d -> "RUNNING".equals(d.findElement(By.id("run-state")).getText()) && points(d) > 0);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("run " + queue.find(id) + "\npage: " + browser.getPageSource()
                    + "\nconsole: " + browser.manage().logs().get("browser").getAll(), e);
        }
        int first = points(browser);
        wait.until(d -> points(d) > first + 2);
        assertThat(queue.state(id)).isEqualTo(RunState.RUNNING);
        assertThat(browser.findElement(By.id("run-device")).getText()).isNotEqualTo("–");
        assertThat(browser.findElement(By.id("run-step")).getText()).endsWith("/ 3000");
        assertThat(browser.findElement(By.id("run-eta")).getText()).isNotEqualTo("–");
        assertThat(browser.findElement(By.id("run-log")).getText()).contains("SFT on");
        String polyline = browser.findElement(By.cssSelector("svg[data-metric='sft/loss'] polyline")).getAttribute("points");
        assertThat(polyline.split(" ").length).isGreaterThan(first + 2);

        browser.findElement(By.id("cancel-run")).click();
        wait.until(d -> "CANCELLED".equals(d.findElement(By.id("run-state")).getText()));
        assertThat(queue.state(id)).isEqualTo(RunState.CANCELLED);

        // a second run's loss on the compare page: one chart, a line per run
        long other = queue.enqueue("compared", RunKind.SFT, RunTestSupport.tinySft(3, 0), null, null, null);
        queue.cancel(other);
        for (int step = 1; step <= 3; step++) queue.metrics(other, step, java.util.Map.of("sft/loss", 6.0 - step));
        browser.get("http://localhost:" + port + "/research/runs/compare?ids=" + id + "," + other);
        wait.until(d -> d.findElements(By.cssSelector("svg[data-metric='sft/loss'] polyline")).size() == 2);
        assertThat(browser.findElements(By.cssSelector("svg[data-metric='sft/loss'] polyline")))
                .extracting(e -> e.getAttribute("data-run")).containsExactly(Long.toString(id), Long.toString(other));
    }

    @Test
    void launchAgainOpensTheFormFilledInFromTheRunAndQueuesTheChangedRun() throws Exception {
        RunTestSupport.emptyQueue(jdbc);
        long source = queue.enqueue("to repeat", RunKind.SFT, RunTestSupport.tinySft(3, 0), null, null, null);
        queue.cancel(source);
        browser = Chromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        Chromium.signIn(browser, wait, "http://localhost:" + port + "/research/runs/" + source, "researcher", PlatformTest.DEMO_RESEARCHER_PASSWORD);
        wait.until(d -> !d.findElements(By.id("launch-again")).isEmpty());
        browser.findElement(By.id("launch-again")).click();
        wait.until(d -> !d.findElements(By.id("run-form")).isEmpty());

        assertThat(browser.findElements(By.cssSelector("#run-form fieldset > legend"))).extracting(WebElement::getText)
                .containsExactly("Model", "Data", "Optimisation");
        assertThat(browser.findElement(By.cssSelector("#group-optimisation input[name='steps']")).getAttribute("value")).isEqualTo("3");
        assertThat(browser.findElement(By.cssSelector("#group-model input[name='nEmbd']")).getAttribute("value")).isEqualTo("16");
        assertThat(browser.findElement(By.id("hint-steps")).isDisplayed()).isTrue();
        assertThat(browser.findElement(By.id("default-steps")).getText()).isEqualTo("default: 200");
        WebElement name = browser.findElement(By.name("name"));
        assertThat(name.getAttribute("value")).isEqualTo("to repeat (again)");

        WebElement steps = browser.findElement(By.name("steps"));
        steps.clear();
        steps.sendKeys("4");
        browser.findElement(By.cssSelector("#run-form button[type='submit']")).click();
        wait.until(d -> d.getCurrentUrl().matches(".*/research/runs/\\d+$") && !d.getCurrentUrl().endsWith("/" + source));
        long again = Long.parseLong(browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1));
        queue.cancel(again);
        Run run = queue.find(again).orElseThrow();
        assertThat(run.name()).isEqualTo("to repeat (again)");
        assertThat(run.config()).contains("\"steps\": 4").contains("\"nEmbd\": 16").contains("\"learningRate\": 0.003");

        // the compare page's config diff: steps differs and is shown first; the checkbox hides the equal fields
        browser.get("http://localhost:" + port + "/research/runs/compare?ids=" + source + "," + again);
        wait.until(d -> !d.findElements(By.cssSelector("#config-diff tr[data-field='steps']")).isEmpty());
        WebElement first = browser.findElement(By.cssSelector("#config-diff tbody tr"));
        assertThat(first.getAttribute("data-field")).isEqualTo("steps");
        assertThat(first.getAttribute("class")).isEqualTo("differs");
        WebElement same = browser.findElement(By.cssSelector("#config-diff tr[data-field='nEmbd']"));
        assertThat(same.getAttribute("class")).isEqualTo("same");
        assertThat(same.isDisplayed()).isTrue();
        browser.findElement(By.id("only-differences")).click();
        wait.until(d -> !d.findElement(By.cssSelector("#config-diff tr[data-field='nEmbd']")).isDisplayed());
        assertThat(browser.findElement(By.cssSelector("#config-diff tr[data-field='steps']")).isDisplayed()).isTrue();
    }
}
