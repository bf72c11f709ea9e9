package dev.cognigyops.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium for the page's tests: Debian's {@code chromium} driven through Debian's
 * {@code chromedriver}, both given by path (Selenium Manager is never asked to find or download anything),
 * as root with {@code --no-sandbox}, with the flags that keep Chromium off the network this machine does not
 * have, and a fresh profile folder per browser. {@code -Dbrowser.chromium} and {@code -Dbrowser.chromedriver}
 * point elsewhere.
 */
public final class Browser implements AutoCloseable {

    public static final String CHROMIUM = System.getProperty("browser.chromium", "/usr/bin/chromium");
    public static final String CHROMEDRIVER = System.getProperty("browser.chromedriver", "/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** A new headless browser; fails (never skips) naming what is missing and that scripts/test installs it. */
    public static Browser start() {
        for (String binary : new String[] {CHROMIUM, CHROMEDRIVER}) {
            if (!Files.isExecutable(Path.of(binary))) {
                throw new AssertionError(binary + " is missing: the page's tests drive Debian's chromium through its "
                        + "chromedriver; scripts/test installs them (apt-get install chromium chromium-driver)");
            }
        }
        try {
            Path profile = Files.createTempDirectory("cognigy-ops-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--disable-extensions", "--window-size=1280,1100",
                    "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
                    .usingAnyFreePort()
                    .build();
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** A wait that looks every 100 ms. */
    public WebDriverWait waiting(Duration atMost) {
        WebDriverWait wait = new WebDriverWait(driver, atMost);
        wait.pollingEvery(Duration.ofMillis(100));
        return wait;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder
            }
        }
    }
}
