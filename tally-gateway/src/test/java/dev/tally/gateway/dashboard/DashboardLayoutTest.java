package dev.tally.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's layout in a real Chromium at a phone's width (420 px) and a laptop's
 * (1,400 px): no page ever scrolls sideways (wide tables scroll inside their panel), the
 * navigation wraps into view, and at 1,400 px every column header of the logs table, the
 * ERROR column included, is fully visible without scrolling. Screenshots of each page at both
 * widths go to target/screenshots/. Also: the Logs key filter says it takes a name or an id,
 * and both give the same rows.
 */
class DashboardLayoutTest extends SeededDashboard {

    private static final List<String> PAGES = List.of("overview", "logs", "events", "alerts", "integrity");

    private BrowserSession.Watched current;

    @AfterEach
    void pageBehaved() {
        if (current != null) {
            assertThat(current.problems()).as("console errors, CSP violations, failed requests").isEmpty();
            current = null;
        }
    }

    private Page signedIn(int width) {
        current = browser.newPage(width, 900);
        Page page = current.page();
        page.navigate(gw.base() + "/dashboard");
        page.fill("#token", DashboardFixture.ADMIN_TOKEN);
        page.click("#signin-button");
        page.waitForSelector("[data-card=calls] .card-value");
        return page;
    }

    /** Opens {@code name} from the navigation and waits until its content is drawn. */
    private static void show(Page page, String name) {
        page.click("nav a[data-page=" + name + "]");
        PlaywrightAssertions.assertThat(page.locator("nav a[data-page=" + name + "]")).hasClass(
                java.util.regex.Pattern.compile("active"));
        page.waitForSelector(switch (name) {
            case "overview" -> "[data-card=calls] .card-value";
            case "logs" -> "table[data-table=logs] tbody tr";
            case "events" -> "table[data-table=events] tbody tr";
            case "alerts" -> "table[data-table=alerts] tbody tr";
            default -> "#verify-status:not(.pending)";
        });
        page.waitForLoadState();
    }

    private static int pageOverflow(Page page) {
        return ((Number) page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")).intValue();
    }

    @Test
    void at420PixelsNoPageScrollsSidewaysAndTheNavigationWrapsIntoView() {
        Page page = signedIn(420);
        for (String name : PAGES) {
            show(page, name);
            assertThat(pageOverflow(page)).as("horizontal overflow of %s at 420 px", name).isLessThanOrEqualTo(0);
            Object outside = page.evaluate("() => [...document.querySelectorAll('nav a, nav button')]"
                    + ".filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth; })"
                    + ".map(e => e.textContent)");
            assertThat((List<?>) outside).as("navigation outside the window on %s", name).isEmpty();
            BrowserSession.screenshot(page, name + "-420");
        }
        show(page, "logs");
        // The logs table is wider than a phone: it scrolls inside its panel, which stays within the window.
        Object panel = page.evaluate("() => { const p = document.querySelector('table[data-table=logs]').closest('.panel');"
                + " const r = p.getBoundingClientRect(); return [r.left, r.right, p.scrollWidth > p.clientWidth,"
                + " getComputedStyle(p).overflowX]; }");
        List<?> box = (List<?>) panel;
        assertThat(((Number) box.get(0)).doubleValue()).isGreaterThanOrEqualTo(0);
        assertThat(((Number) box.get(1)).doubleValue()).isLessThanOrEqualTo(420);
        assertThat(box.get(2)).as("the table scrolls inside its panel").isEqualTo(true);
        assertThat(box.get(3)).isEqualTo("auto");
    }

    @Test
    void at1400PixelsEveryLogsColumnIsFullyVisible() {
        Page page = signedIn(1400);
        for (String name : PAGES) {
            show(page, name);
            assertThat(pageOverflow(page)).as("horizontal overflow of %s at 1,400 px", name).isLessThanOrEqualTo(0);
            BrowserSession.screenshot(page, name + "-1400");
        }
        show(page, "logs");
        Object clipped = page.evaluate("() => { const t = document.querySelector('table[data-table=logs]');"
                + " const p = t.closest('.panel'); const box = p.getBoundingClientRect();"
                + " return [...t.querySelectorAll('th')].filter(th => { const r = th.getBoundingClientRect();"
                + " return r.left < box.left || r.right > box.right - p.clientLeft || r.width < 1; })"
                + ".map(th => th.textContent).concat(p.scrollWidth > p.clientWidth ? ['(panel scrolls)'] : []); }");
        assertThat((List<?>) clipped).as("header cells not fully visible at 1,400 px").isEmpty();
        assertThat(page.locator("table[data-table=logs] th").allTextContents()).contains("Error");
    }

    @Test
    void theKeyFilterIsLabelledForNamesOrIdsAndTakesBoth() throws Exception {
        Page page = signedIn(1400);
        show(page, "logs");
        assertThat(page.textContent("#log-filters label:has(input[name=key]) span")).isEqualTo("Key (name or id)");
        String id = gw.admin("/v1/admin/keys/team-b", Map.of()).get("id").asText();
        int teamB = gw.admin("/v1/admin/logs", Map.of("key", id, "limit", "100")).get("data").size();
        assertThat(teamB).isBetween(1, 49);
        var rows = page.locator("table[data-table=logs] tbody tr");

        page.fill("#log-filters input[name=key]", "team-b");
        page.click("#log-filters button[type=submit]");
        PlaywrightAssertions.assertThat(rows).hasCount(teamB);
        List<String> byName = rows.allTextContents();

        page.click("#log-filters button:has-text('Clear')");
        PlaywrightAssertions.assertThat(rows).hasCount(50);
        page.fill("#log-filters input[name=key]", id);
        page.click("#log-filters button[type=submit]");
        PlaywrightAssertions.assertThat(rows).hasCount(teamB);
        List<String> byId = rows.allTextContents();

        assertThat(byName).allSatisfy(row -> assertThat(row).contains("team-b")).isEqualTo(byId);
    }
}
