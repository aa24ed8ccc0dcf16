package dev.tally.gateway.dashboard;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every browser test class of the dashboard starts from: one gateway with known traffic
 * ({@link DashboardFixture#seed()}) and one Chromium ({@link BrowserSession}), both for the whole
 * class and closed after it. Subclasses open their pages and check them. Not thread-safe.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SeededDashboard {

    DashboardFixture gw;
    BrowserSession browser;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        Files.createDirectories(BrowserSession.SCREENSHOTS);
        gw = new DashboardFixture(dir);
        gw.seed();
        browser = new BrowserSession();
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.close();
        }
        if (gw != null) {
            gw.close();
        }
    }
}
