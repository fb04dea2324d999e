package dev.rlhf.web.support;

import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Headless Chromium driven through the installed chromedriver (never downloaded): paths from the system
 * properties {@code chromium.binary} / {@code chromedriver.binary}, default {@code /usr/bin/chromium} and
 * {@code /usr/bin/chromedriver}. A missing browser fails the test with what to install.
 */
public final class Chromium {
    private Chromium() {
    }

    public static ChromeDriver start() throws IOException {
        Path browser = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        Path driver = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
        if (!Files.isExecutable(browser) || !Files.isExecutable(driver)) {
            fail("Chromium browser tests need " + browser + " and " + driver
                    + ": install them (Debian: apt-get install chromium chromium-driver) or point the system properties "
                    + "chromium.binary / chromedriver.binary at them");
        }
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, driver.toString());
        Path profile = Files.createTempDirectory("rlhf-chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--window-size=1280,1000", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driver.toString()))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** Opens {@code url} signed out, waits to be sent to the login page, and signs in there. */
    public static void signIn(WebDriver browser, WebDriverWait wait, String url, String username, String password) {
        browser.get(url);
        wait.until(d -> d.getCurrentUrl().endsWith("/login"));
        browser.findElement(By.id("username")).sendKeys(username);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
    }

    /** Waits for the link {@code linkId}, clicks it, and waits for the page it leads to to show {@code pageId}. */
    public static void follow(WebDriver browser, WebDriverWait wait, String linkId, String pageId) {
        wait.until(d -> !d.findElements(By.id(linkId)).isEmpty());
        browser.findElement(By.id(linkId)).click();
        wait.until(d -> !d.findElements(By.id(pageId)).isEmpty());
    }
}
