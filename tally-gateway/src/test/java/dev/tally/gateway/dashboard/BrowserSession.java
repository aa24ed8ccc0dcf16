package dev.tally.gateway.dashboard;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Debian's Chromium driven by Playwright, headless, offline: Playwright never downloads a browser
 * ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD}) and Chromium is told not to call home. Each
 * {@link #newPage} is a fresh profile (own sessionStorage) that records console errors, page
 * errors, Content-Security-Policy violations and every URL it requested, for the tests to assert
 * on. Not thread-safe: one test thread.
 */
final class BrowserSession implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final List<String> FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync");

    /** What one page did that a test may assert on. */
    record Watched(Page page, List<String> problems, List<String> urls) {
    }

    private final Playwright playwright;
    private final Browser browser;
    private final List<BrowserContext> contexts = new CopyOnWriteArrayList<>();

    BrowserSession() {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new IllegalStateException(CHROMIUM + ": missing (expected: Debian's chromium package; .ci/run installs it)");
        }
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(CHROMIUM).setHeadless(true).setArgs(FLAGS).setTimeout(120_000));
    }

    Watched newPage() {
        return newPage(1440, 900);
    }

    /** A fresh page whose window is {@code width} × {@code height} CSS pixels. */
    Watched newPage(int width, int height) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(width, height).setLocale("en-US").setTimezoneId("UTC"));
        context.setDefaultTimeout(30_000);
        contexts.add(context);
        Page page = context.newPage();
        List<String> problems = new CopyOnWriteArrayList<>();
        List<String> urls = new CopyOnWriteArrayList<>();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error") || m.text().contains("Content Security Policy")) {
                problems.add("console: " + m.text());
            }
        });
        page.onPageError(e -> problems.add("page error: " + e));
        page.onRequest(r -> urls.add(r.url()));
        page.onRequestFailed(r -> problems.add("request failed: " + r.url() + " " + r.failure()));
        return new Watched(page, problems, urls);
    }

    /** Saves a full-page screenshot as target/screenshots/{name}.png. */
    static Path screenshot(Page page, String name) {
        Path file = SCREENSHOTS.resolve(name + ".png");
        page.screenshot(new Page.ScreenshotOptions().setPath(file).setFullPage(true));
        return file;
    }

    @Override
    public void close() {
        contexts.forEach(BrowserContext::close);
        browser.close();
        playwright.close();
    }
}
