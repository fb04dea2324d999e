package dev.rlhf.web.importing;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.UserAccount;
import dev.rlhf.web.support.Fixtures;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.rlhf.web.importing.FeedbackLines.comparison;
import static org.assertj.core.api.Assertions.assertThat;

/** In headless Chromium, an admin uploads a comparisons file and watches it get imported; a bad file names its line. */
@PlatformTest
class ImportUploadBrowserTest {
    @LocalServerPort
    int port;
    @Autowired
    Fixtures fixtures;

    @TempDir
    Path dir;

    WebDriver browser;

    @BeforeEach
    void startChromium() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--user-data-dir=" + Files.createTempDirectory(dir, "chromium-profile"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopChromium() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anAdminUploadsAFileAndSeesItImported() {
        String run = "ui" + System.nanoTime();
        List<Object> lines = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            lines.add(comparison(run + "-post-" + i, run + "-batch", "train", run + "-w" + (i % 3), i % 2, i % 2 == 0 ? 3 : 7,
                    "ref", "Reference " + i, "sup", "Sample " + i));
        }
        Path good = FeedbackLines.write(dir, "comparisons.jsonl", lines);
        lines.set(56 % 25, "{\"info\": broken");
        Path bad = FeedbackLines.write(dir, "broken.jsonl", lines);

        UserAccount admin = fixtures.user(Role.ADMIN);
        browser.get("http://localhost:" + port + "/login");
        browser.findElement(By.id("username")).sendKeys(admin.getUsername());
        browser.findElement(By.id("password")).sendKeys("password-" + admin.getUsername());
        browser.findElement(By.id("sign-in")).click();

        upload(good);
        waitForState("SUCCEEDED");
        assertThat(browser.findElement(By.id("import-imported")).getText()).isEqualTo("25");
        assertThat(browser.findElement(By.id("import-rows")).getText()).isEqualTo("25");
        assertThat(browser.findElement(By.id("import-percent")).getText()).isEqualTo("100%");
        assertThat(browser.findElement(By.id("import-progress")).getDomProperty("value")).isEqualTo("100");
        assertThat(fixtures.jdbc().sql("SELECT count(*) FROM batches WHERE name = ? AND imported").param(run + "-batch")
                .query(Long.class).single()).isEqualTo(1);

        upload(bad);
        waitForState("FAILED");
        assertThat(browser.findElement(By.id("import-error")).getText()).startsWith("line 7: (line): not valid JSON");

        browser.get("http://localhost:" + port + "/admin/imports");
        assertThat(browser.findElement(By.id("jobs")).getText()).contains("comparisons.jsonl").contains("broken.jsonl");
    }

    /** Waits (up to a minute) for the page's polling script to show the job in {@code state}. */
    private void waitForState(String state) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String shown = "";
        while (System.nanoTime() < deadline) {
            try {
                shown = browser.findElement(By.id("import-state")).getText();
                if (shown.equals(state)) {
                    return;
                }
            } catch (org.openqa.selenium.NoSuchElementException | org.openqa.selenium.StaleElementReferenceException loading) {
                shown = "(page " + browser.getCurrentUrl() + " without the job yet)";
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("the import job never showed " + state + "; last shown: " + shown + "; page: "
                + browser.getPageSource());
    }

    private void upload(Path file) {
        browser.get("http://localhost:" + port + "/admin/imports");
        browser.findElement(By.cssSelector("#kind option[value='COMPARISONS']")).click();
        browser.findElement(By.id("file")).sendKeys(file.toAbsolutePath().toString());
        browser.findElement(By.id("upload")).click();
    }
}
