package dev.rlhf.web.support;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** Writes what the browser shows, in a 1280×900 window, to {@code name}.png; nothing without the property. */
    public static void take(ChromeDriver browser, String name) throws IOException, InterruptedException {
        Path folder = folder();
        if (folder == null) return;
        browser.manage().window().setSize(new Dimension(1280, 900));
        Thread.sleep(300);   // the page lays itself out again at the new size
        Files.createDirectories(folder);
        Files.write(folder.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
    }
}
