package dev.rlhf.web.support;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The README's screenshots, taken by the browser tests when the system property {@code rlhf.screenshots} names a
 * folder (a relative one is taken from the repository root, the folder holding {@code mvnw}):
 * {@code ./mvnw -B -pl labeling-web -am test -Dtest='RunPageBrowserTest,RewardModelDashboardTest'
 * -Dsurefire.failIfNoSpecifiedTests=false -Drlhf.screenshots=docs/screenshots}. Without it nothing is written.
 */
public final class Screenshots {
    public static final String PROPERTY = "rlhf.screenshots";

    private Screenshots() {
    }

    /** The folder the screenshots go to, or null when the property is not set. */
    public static Path folder() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) return null;
        Path path = Path.of(dir);
        if (path.isAbsolute()) return path;
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("mvnw"))) root = root.getParent();
        if (root == null) throw new IllegalStateException(PROPERTY + "=" + dir + ": no folder holding mvnw above "
                + Path.of("").toAbsolutePath() + " to resolve it against; give an absolute path");
        return root.resolve(path);
    }

    /**
     * Writes what a 1280×900 viewport shows, scrolled so that {@code top} is {@code above} pixels below its top edge,
     * to {@code name}.png; nothing without the property.
     */
    public static void take(ChromeDriver browser, String name, By top, int above) throws IOException, InterruptedException {
        Path folder = folder();
        if (folder == null) return;
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 1280, "height", 900, "deviceScaleFactor", 1, "mobile", false));
        browser.executeScript("window.scrollTo(0, arguments[0].getBoundingClientRect().top + window.scrollY - arguments[1]);",
                browser.findElement(top), above);
        Thread.sleep(300);   // the page lays itself out again at the new size
        Files.createDirectories(folder);
        Files.write(folder.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
        browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
}
