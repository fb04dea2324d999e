package dev.rlhf.web.runs;

import dev.rlhf.web.support.Chromium;
import dev.rlhf.web.support.PlatformTest;
import dev.rlhf.web.support.Screenshots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * In headless Chromium, the run pages chart every metric with uPlot served by the application: the live run page
 * draws new points while the in-process worker trains and writes metrics; hover, smoothing, log scale, zoom and the
 * count of non-finite values work on stored metrics; the compare page draws two runs on one chart, named in the
 * legend. With {@code -Drlhf.screenshots=DIR} the live run page is also written to {@code DIR/run-page.png}.
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

    static Object js(WebDriver d, String script, Object... args) {
        return ((JavascriptExecutor) d).executeScript(script, args);
    }

    /** The steps the chart of {@code metric} holds, read from its uPlot instance (0 before it is drawn). */
    static int points(WebDriver d, String metric) {
        Object n = js(d, "var f = document.querySelector(\"figure[data-metric='\" + arguments[0] + \"']\");"
                + " return f && f.uplot ? f.uplot.data[0].length : 0;", metric);
        return ((Number) n).intValue();
    }

    /** Column {@code i} of the uPlot data of {@code metric}: the steps (0), then per run its raw and smoothed values. */
    @SuppressWarnings("unchecked")
    static List<Double> column(WebDriver d, String metric, int i) {
        List<Object> values = (List<Object>) js(d, "return Array.from(document.querySelector(\"figure[data-metric='\""
                + " + arguments[0] + \"']\").uplot.data[arguments[1]], function (v) { return v === undefined ? null : v; });",
                metric, i);
        List<Double> out = new ArrayList<>();
        values.forEach(v -> out.add(v == null ? null : ((Number) v).doubleValue()));
        return out;
    }

    WebDriverWait signedIn(String path) throws Exception {
        browser = Chromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);   // the page reloads after cancel
        Chromium.signIn(browser, wait, "http://localhost:" + port + path, "researcher", PlatformTest.DEMO_RESEARCHER_PASSWORD);
        wait.until(d -> d.getCurrentUrl().contains(path) && !d.getCurrentUrl().endsWith("/login"));
        return wait;
    }

    @Test
    void liveRunPageShowsNewPointsWhileTheRunWritesMetrics() throws Exception {
        RunTestSupport.emptyQueue(jdbc);
        long id = queue.enqueue("watched", RunKind.SFT, RunTestSupport.slowSft(3000, 0), null, null, null);
        WebDriverWait wait = signedIn("/research/runs/" + id);
        wait.until(d -> !d.findElements(By.id("run-page")).isEmpty());

        try {
            wait.until(d -> "RUNNING".equals(d.findElement(By.id("run-state")).getText()) && points(d, "sft/loss") > 0);
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("run " + queue.find(id) + "\npage: " + browser.getPageSource()
                    + "\nconsole: " + browser.manage().logs().get("browser").getAll(), e);
        }
        int first = points(browser, "sft/loss");
        wait.until(d -> points(d, "sft/loss") > first + 10);
        assertThat(queue.state(id)).isEqualTo(RunState.RUNNING);
        assertThat(browser.findElement(By.id("run-device")).getText()).isNotEqualTo("–");
        assertThat(browser.findElement(By.id("run-step")).getText()).endsWith("/ 3000");
        assertThat(browser.findElement(By.id("run-eta")).getText()).isNotEqualTo("–");
        assertThat(browser.findElement(By.id("run-log")).getText()).contains("SFT on");
        // the chart holds the stored losses, step by step
        List<Double> steps = column(browser, "sft/loss", 0), losses = column(browser, "sft/loss", 1);
        Map<Long, Double> stored = new java.util.HashMap<>();
        queue.metricsOf(id, -1).stream().filter(p -> p.name().equals("sft/loss")).forEach(p -> stored.put(p.step(), p.value()));
        for (int i = 0; i < steps.size(); i++) {
            assertThat(losses.get(i)).as("loss at step %s", steps.get(i)).isEqualTo(stored.get(steps.get(i).longValue()));
        }
        // every metric the run logged has its chart with a canvas, titled by its name
        List<String> metrics = queue.metricsOf(id, -1).stream().map(RunQueue.MetricPoint::name).distinct().sorted().toList();
        wait.until(d -> d.findElements(By.cssSelector("#charts figure.chart canvas")).size() >= metrics.size());
        assertThat(browser.findElements(By.cssSelector("#charts figure.chart")))
                .extracting(f -> f.getAttribute("data-metric")).containsAll(metrics);

        browser.findElement(By.id("cancel-run")).click();
        wait.until(d -> "CANCELLED".equals(d.findElement(By.id("run-state")).getText()));
        assertThat(queue.state(id)).isEqualTo(RunState.CANCELLED);
        wait.until(d -> points(d, "sft/loss") > first + 10);
        setSmoothing(browser, "0.8");
        Screenshots.take(browser, "run-page", By.cssSelector(".chart-controls"), 150);

        // a second run's loss on the compare page: one chart, a line per run, named in the legend
        long other = queue.enqueue("compared", RunKind.SFT, RunTestSupport.tinySft(3, 0), null, null, null);
        queue.cancel(other);
        for (int step = 1; step <= 3; step++) queue.metrics(other, step, Map.of("sft/loss", 6.0 - step));
        browser.get("http://localhost:" + port + "/research/runs/compare?ids=" + id + "," + other);
        wait.until(d -> points(d, "sft/loss") > 0);
        @SuppressWarnings("unchecked")
        List<String> labels = (List<String>) js(browser, "return document.querySelector(\"figure[data-metric='sft/loss']\")"
                + ".uplot.series.filter(function (s) { return s.raw === false; }).map(function (s) { return s.label; });");
        assertThat(labels).containsExactly("#" + id + " watched", "#" + other + " compared");
        assertThat(browser.findElement(By.cssSelector("figure[data-metric='sft/loss'] .u-legend")).getText())
                .contains("#" + id + " watched", "#" + other + " compared");
        // the second run's three losses at its steps, nothing at the first run's other steps
        List<Double> xs = column(browser, "sft/loss", 0), second = column(browser, "sft/loss", 3);
        for (int i = 0; i < xs.size(); i++) {
            double step = xs.get(i);
            assertThat(second.get(i)).as("step %s", step).isEqualTo(step >= 1 && step <= 3 ? 6.0 - step : null);
        }
    }

    static void setSmoothing(WebDriver d, String weight) {
        js(d, "var s = document.getElementById('chart-smoothing'); s.value = arguments[0];"
                + " s.dispatchEvent(new Event('input'));", weight);
    }

    @Test
    void chartsHoverSmoothZoomAndLogScaleTheStoredValues() throws Exception {
        long id = queue.enqueue("stored", RunKind.SFT, RunTestSupport.tinySft(3, 0), null, null, null);
        queue.cancel(id);
        double[] loss = new double[11];
        for (int step = 1; step <= 10; step++) {
            loss[step] = step == 5 ? Double.NaN : 1000 / Math.pow(2, step - 1);
            queue.metrics(id, step, Map.of("test/loss", loss[step], "test/margin", step - 4.5));
        }
        WebDriverWait wait = signedIn("/research/runs/" + id);
        wait.until(d -> points(d, "test/loss") == 10 && points(d, "test/margin") == 10);

        // uPlot comes from the application's jar, and every script from the application
        String origin = "http://localhost:" + port;
        assertThat(js(browser, "return typeof uPlot;")).isEqualTo("function");
        assertThat(browser.findElements(By.tagName("script"))).extracting(s -> s.getAttribute("src"))
                .allMatch(src -> src.startsWith(origin + "/"))
                .contains(origin + "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js");
        assertThat(js(browser, "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
                + ".filter(function (n) { return n.indexOf('uPlot') >= 0; });"))
                .asList().containsExactlyInAnyOrder(origin + "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js",
                        origin + "/webjars/uplot/1.6.30/dist/uPlot.min.css");

        // a chart with a canvas per metric; the NaN is a gap in the line and counted in the caption
        assertThat(browser.findElements(By.cssSelector("#charts figure.chart canvas"))).hasSize(2);
        WebElement caption = browser.findElement(By.cssSelector("figure[data-metric='test/loss'] figcaption"));
        assertThat(caption.getText()).startsWith("test/loss (1 not finite, last NaN at step 5)");
        assertThat(caption.getAttribute("data-not-finite")).isEqualTo("1");
        assertThat(browser.findElement(By.cssSelector("figure[data-metric='test/margin'] figcaption")).getAttribute("data-not-finite"))
                .isEqualTo("0");
        List<Double> raw = column(browser, "test/loss", 1);
        assertThat(raw.get(4)).isNull();
        assertThat(raw.get(9)).isEqualTo(loss[10]);

        // hovering puts the step under the cursor and its value in the legend
        WebElement over = browser.findElement(By.cssSelector("figure[data-metric='test/loss'] .u-over"));
        new Actions(browser).moveToElement(over, over.getSize().width / 2 - 5, 0).perform();
        wait.until(d -> d.findElement(By.cssSelector("figure[data-metric='test/loss'] .u-legend .u-series:first-child .u-value"))
                .getText().matches("\\d+"));
        List<WebElement> legend = browser.findElements(By.cssSelector("figure[data-metric='test/loss'] .u-legend .u-series .u-value"));
        int hovered = Integer.parseInt(legend.get(0).getText());
        assertThat(hovered).isEqualTo(10);   // the right edge of the plot is the last step
        assertThat(Double.parseDouble(legend.get(1).getText())).isCloseTo(loss[10], within(1e-3));
        assertThat(Double.parseDouble(legend.get(2).getText())).isCloseTo(loss[10], within(1e-3));   // no smoothing yet

        // smoothing: the smoothed series is the EMA of the raw values (the NaN a gap that leaves the average as it was)
        assertThat(column(browser, "test/loss", 2)).isEqualTo(raw);
        setSmoothing(browser, "0.9");
        assertThat(browser.findElement(By.id("chart-smoothing-value")).getText()).isEqualTo("0.90");
        List<Double> smoothed = column(browser, "test/loss", 2);
        Double s = null;
        for (int step = 1; step <= 10; step++) {
            if (Double.isNaN(loss[step])) {
                assertThat(smoothed.get(step - 1)).isNull();
                continue;
            }
            s = s == null ? loss[step] : 0.9 * s + (1 - 0.9) * loss[step];
            assertThat(smoothed.get(step - 1)).as("step %d", step).isCloseTo(s, within(1e-9));
        }
        assertThat(smoothed.get(9)).isNotCloseTo(raw.get(9), within(1.0));
        assertThat(column(browser, "test/loss", 1)).isEqualTo(raw);   // the raw values are still drawn, faint

        // zoom: dragging over the left half narrows the steps shown; a double click shows them all again
        String xMax = "return document.querySelector(\"figure[data-metric='test/loss']\").uplot.scales.x.max;";
        double allSteps = ((Number) js(browser, xMax)).doubleValue();
        assertThat(allSteps).isGreaterThanOrEqualTo(10);
        new Actions(browser).moveToElement(over, -over.getSize().width / 2 + 2, 0).clickAndHold()
                .moveByOffset(over.getSize().width / 2, 0).release().perform();
        wait.until(d -> ((Number) js(d, xMax)).doubleValue() < 7);
        new Actions(browser).doubleClick(over).perform();
        wait.until(d -> ((Number) js(d, xMax)).doubleValue() == allSteps);

        // log y: 10 lies halfway between 1 and 100 on the axis only with a log scale
        String halfway = "var u = document.querySelector(\"figure[data-metric='test/loss']\").uplot;"
                + " return [u.scales.y.distr, u.valToPos(1, 'y'), u.valToPos(10, 'y'), u.valToPos(100, 'y')];";
        List<?> linear = (List<?>) js(browser, halfway);
        assertThat(((Number) linear.get(0)).intValue()).isEqualTo(1);
        assertThat(fractionOfTheWay(linear)).isLessThan(0.2);
        WebElement logBox = browser.findElement(By.cssSelector("figure[data-metric='test/loss'] .chart-log input"));
        assertThat(logBox.isEnabled()).isTrue();
        logBox.click();
        List<?> logScale = (List<?>) js(browser, halfway);
        assertThat(((Number) logScale.get(0)).intValue()).isEqualTo(3);
        assertThat(fractionOfTheWay(logScale)).isCloseTo(0.5, within(0.01));
        assertThat(column(browser, "test/loss", 2)).isEqualTo(smoothed);   // still smoothed after the redraw
        // a metric with values <= 0 offers no log scale
        WebElement marginLog = browser.findElement(By.cssSelector("figure[data-metric='test/margin'] .chart-log input"));
        assertThat(marginLog.isEnabled()).isFalse();
        assertThat(marginLog.isSelected()).isFalse();
        assertThat(((Number) js(browser, "return document.querySelector(\"figure[data-metric='test/margin']\").uplot.scales.y.distr;"))
                .intValue()).isEqualTo(1);
    }

    /** How far of the way from 1 to 100 on the y axis 10 is drawn: 1/11 on a linear scale, 1/2 on a log scale. */
    static double fractionOfTheWay(List<?> distrAndPositions) {
        double p1 = ((Number) distrAndPositions.get(1)).doubleValue(), p10 = ((Number) distrAndPositions.get(2)).doubleValue(),
                p100 = ((Number) distrAndPositions.get(3)).doubleValue();
        return (p10 - p1) / (p100 - p1);
    }

    @Test
    void launchAgainOpensTheFormFilledInFromTheRunAndQueuesTheChangedRun() throws Exception {
        RunTestSupport.emptyQueue(jdbc);
        long source = queue.enqueue("to repeat", RunKind.SFT, RunTestSupport.tinySft(3, 0), null, null, null);
        queue.cancel(source);
        browser = Chromium.start();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        Chromium.signIn(browser, wait, "http://localhost:" + port + "/research/runs/" + source, "researcher", PlatformTest.DEMO_RESEARCHER_PASSWORD);
        Chromium.follow(browser, wait, "launch-again", "run-form");

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
