package dev.tally.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser against a real gateway: known traffic is sent through the
 * proxy, then the page is signed into and every number it shows is checked against what the
 * admin API returns for the same range (and the spend against a sum worked out by hand).
 * Each test has a fresh browser profile; each fails on any console error, CSP violation or
 * failed request, and on any request whose URL carries the admin token.
 */
class DashboardBrowserTest extends SeededDashboard {

    private BrowserSession.Watched current;

    @AfterEach
    void pageBehaved() {
        if (current == null) {
            return;
        }
        assertThat(current.problems()).as("console errors, CSP violations, failed requests").isEmpty();
        assertThat(current.urls()).as("no URL carries the admin token").noneMatch(u -> u.contains(DashboardFixture.ADMIN_TOKEN));
        assertThat(current.page().url()).doesNotContain(DashboardFixture.ADMIN_TOKEN);
        current = null;
    }

    private Page open() {
        current = browser.newPage();
        Page page = current.page();
        page.navigate(gw.base() + "/dashboard");
        return page;
    }

    private Page signedIn() {
        Page page = open();
        page.fill("#token", DashboardFixture.ADMIN_TOKEN);
        page.click("#signin-button");
        page.waitForSelector("[data-card=calls] .card-value");
        return page;
    }

    private static Map<String, String> last24h() {
        return Map.of("since", Instant.now().minus(24, ChronoUnit.HOURS).toString());
    }

    // ---- the formats the page uses (format.js), for comparing what it shows with the API ----

    static String usd(long micros) {
        String fraction = String.format(Locale.ROOT, "%06d", micros % 1_000_000).replaceAll("0+$", "");
        if (fraction.length() < 2) {
            fraction = (fraction + "00").substring(0, 2);
        }
        return "$" + String.format(Locale.US, "%,d", micros / 1_000_000) + "." + fraction;
    }

    static String count(long n) {
        return String.format(Locale.US, "%,d", n);
    }

    static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    static String ms(JsonNode value) {
        if (value == null || value.isNull()) {
            return "—";
        }
        double n = value.asDouble();
        return n < 1000 ? Math.round(n) + " ms" : String.format(Locale.ROOT, "%.1f s", n / 1000);
    }

    private static String card(Page page, String name) {
        return page.textContent("[data-card=" + name + "] .card-value").strip();
    }

    /** The rows of a breakdown table as first-cell text → the row's cell texts. */
    private static Map<String, List<String>> rows(Page page, String table) {
        Map<String, List<String>> out = new HashMap<>();
        Locator rows = page.locator("table[data-table=" + table + "] tbody tr");
        for (int i = 0; i < rows.count(); i++) {
            List<String> cells = rows.nth(i).locator("td").allTextContents().stream().map(String::strip).toList();
            out.put(cells.getFirst(), cells);
        }
        return out;
    }

    @Test
    void aWrongTokenIsToldClearlyAndTheRightOneSignsIn() {
        Page page = open();
        PlaywrightAssertions.assertThat(page.locator("#signin")).isVisible();
        page.fill("#token", "tadm-wrong-token");
        page.click("#signin-button");
        PlaywrightAssertions.assertThat(page.locator("#signin-error")).containsText("was not accepted");
        PlaywrightAssertions.assertThat(page.locator("#app")).isHidden();
        BrowserSession.screenshot(page, "signin-wrong-token");
        // The browser logs the refused request itself, on its own schedule: wait for that line, then drop it.
        while (current.problems().stream().noneMatch(p -> p.contains("401"))) {
            page.waitForTimeout(10);
        }
        current.problems().removeIf(p -> p.contains("401"));

        page.fill("#token", DashboardFixture.ADMIN_TOKEN);
        page.click("#signin-button");
        PlaywrightAssertions.assertThat(page.locator("#app")).isVisible();
        assertThat(page.evaluate("sessionStorage.getItem('tally.adminToken')")).isEqualTo(DashboardFixture.ADMIN_TOKEN);
        assertThat(page.evaluate("localStorage.length")).isEqualTo(0);

        page.click("#signout");
        PlaywrightAssertions.assertThat(page.locator("#signin")).isVisible();
        assertThat(page.evaluate("sessionStorage.getItem('tally.adminToken')")).isNull();
    }

    @Test
    void summaryCardsShowWhatTheApiReturnsForTheRange() throws Exception {
        Page page = signedIn();
        JsonNode summary = gw.admin("/v1/admin/usage", last24h()).get("summary");
        assertThat(summary.get("calls").asLong()).isEqualTo(DashboardFixture.SEEDED_CALLS);
        assertThat(summary.get("cost_micros").asLong()).isEqualTo(DashboardFixture.SEEDED_COST_MICROS);

        assertThat(card(page, "calls")).isEqualTo(count(DashboardFixture.SEEDED_CALLS));
        assertThat(page.textContent("[data-card=calls] .card-sub")).contains(
                count(DashboardFixture.SEEDED_SUCCESS) + " ok", DashboardFixture.SEEDED_ERRORS + " errors",
                DashboardFixture.SEEDED_REFUSED + " refused");
        assertThat(card(page, "success-rate")).isEqualTo(percent(summary.get("success").asLong(), summary.get("calls").asLong()));
        assertThat(card(page, "spend")).isEqualTo(usd(DashboardFixture.SEEDED_COST_MICROS)).isEqualTo("$0.01104");
        assertThat(page.textContent("[data-card=spend] .card-sub"))
                .contains(summary.get("unpriced_calls").asLong() + " unpriced calls not included");
        assertThat(card(page, "tokens")).isEqualTo(count(summary.get("input_tokens").asLong() + summary.get("output_tokens").asLong()));
        assertThat(card(page, "p95")).isEqualTo(ms(summary.get("latency_ms").get("p95")));

        // The chart draws the same calls and spend, bucket by bucket, as the API's hourly groups.
        page.waitForFunction("() => window.Chart && Chart.getChart('usage-chart')");
        Object drawnCalls = page.evaluate("Chart.getChart('usage-chart').data.datasets[1].data.reduce((a, b) => a + b, 0)");
        Object drawnSpend = page.evaluate("Math.round(Chart.getChart('usage-chart').data.datasets[0].data.reduce((a, b) => a + b, 0) * 1e6)");
        assertThat(((Number) drawnCalls).longValue()).isEqualTo(DashboardFixture.SEEDED_CALLS);
        assertThat(((Number) drawnSpend).longValue()).isEqualTo(DashboardFixture.SEEDED_COST_MICROS);
        BrowserSession.screenshot(page, "overview");
    }

    @Test
    void breakdownsByModelKeyAndProviderMatchTheApiAndUnpricedIsNeverZero() throws Exception {
        Page page = signedIn();
        page.waitForSelector("table[data-table=by-model] tbody tr");
        for (String dimension : List.of("model", "provider")) {
            Map<String, List<String>> shown = rows(page, "by-" + dimension);
            JsonNode groups = gw.admin("/v1/admin/usage", withGroup(dimension)).get("groups");
            assertThat(shown).hasSize(groups.size());
            for (JsonNode g : groups) {
                JsonNode value = g.get("group").get(dimension);
                List<String> row = shown.get(value.isNull() ? "(none)" : value.asText());
                assertThat(row).as(dimension + " " + g).isNotNull();
                assertThat(row.get(1)).isEqualTo(count(g.get("calls").asLong()));
                assertThat(row.get(7)).isEqualTo(expectedSpend(g));
                assertThat(row.get(9)).isEqualTo(ms(g.get("latency_ms").get("p95")));
            }
        }
        assertThat(rows(page, "by-model").get("free-model").get(7)).isEqualTo("unpriced");
        assertThat(rows(page, "by-model").get("gpt-4o").get(7)).startsWith(usd(5_950 + 4_000 + 130) + " ").startsWith("$0.01008 + ");

        Locator keyRows = page.locator("table[data-table=by-key] tbody tr");
        JsonNode keys = gw.admin("/v1/admin/usage", withGroup("key")).get("groups");
        assertThat(keyRows.count()).isEqualTo(keys.size());
        assertThat(page.textContent("table[data-table=by-key]")).contains("team-a", "team-b", "batch-job");

        // A row opens the logs filtered by it.
        page.locator("table[data-table=by-model] tbody tr", new Page.LocatorOptions().setHasText("gpt-4o-mini")).click();
        PlaywrightAssertions.assertThat(page.locator("table[data-table=logs] tbody tr")).hasCount(17);
        assertThat(page.url()).contains("#/logs?model=gpt-4o-mini");
    }

    private static String expectedSpend(JsonNode g) {
        long calls = g.get("calls").asLong();
        long unpriced = g.get("unpriced_calls").asLong();
        if (calls > 0 && unpriced == calls) {
            return "unpriced";
        }
        return usd(g.get("cost_micros").asLong()) + (unpriced > 0 ? " + " + count(unpriced) + " unpriced" : "");
    }

    private static Map<String, String> withGroup(String groupBy) {
        Map<String, String> params = new HashMap<>(last24h());
        params.put("group_by", groupBy);
        return params;
    }

    @Test
    void theTagTableFollowsTheChosenTagAndFailuresAreBrokenDown() throws Exception {
        Page page = signedIn();
        page.waitForSelector("table[data-table=by-tag] tbody tr");
        assertThat(page.inputValue("#tag-name")).isEqualTo("tier");
        Map<String, List<String>> tiers = rows(page, "by-tag");
        for (JsonNode g : gw.admin("/v1/admin/usage", withGroup("tag:tier")).get("groups")) {
            List<String> row = tiers.get(g.get("group").get("tag:tier").asText());
            assertThat(row).as(g.toString()).isNotNull();
            assertThat(row.get(1)).isEqualTo(count(g.get("calls").asLong()));
            assertThat(row.get(7)).isEqualTo(expectedSpend(g));
        }
        assertThat(tiers.get("pro").get(1)).isEqualTo("30"); // 20 + 4 + 2 + 3 + 1 stream

        Map<String, List<String>> statuses = rows(page, "by-status");
        assertThat(statuses.get("error").get(1)).isEqualTo(String.valueOf(DashboardFixture.SEEDED_ERRORS));
        assertThat(statuses.get("refused").get(1)).isEqualTo(String.valueOf(DashboardFixture.SEEDED_REFUSED));
        assertThat(statuses).doesNotContainKey("success");

        // Error codes counted from the failed calls' records, as the API reports them.
        Map<String, Integer> codes = new HashMap<>();
        for (String status : List.of("error", "refused")) {
            Map<String, String> params = new HashMap<>(last24h());
            params.put("status", status);
            params.put("limit", "1000");
            for (JsonNode r : gw.admin("/v1/admin/logs", params).get("data")) {
                codes.merge(r.path("error_code").asText("(no code)"), 1, Integer::sum);
            }
        }
        Map<String, List<String>> shownCodes = rows(page, "by-error-code");
        assertThat(shownCodes.keySet()).containsExactlyInAnyOrderElementsOf(codes.keySet());
        codes.forEach((code, n) -> assertThat(shownCodes.get(code).get(3)).as(code).isEqualTo(String.valueOf(n)));
        BrowserSession.screenshot(page, "overview-breakdowns");
    }

    @Test
    void logsAreNewestFirstPagedFilteredAndOpenToTheRecordWithItsPayload() throws Exception {
        Page page = signedIn();
        page.click("nav a[data-page=logs]");
        page.selectOption("#log-filters select[name=limit]", "25");
        page.click("#log-filters button[type=submit]");
        page.waitForSelector("table[data-table=logs] tbody tr");
        PlaywrightAssertions.assertThat(page.locator("#page-number")).hasText("Page 1");

        JsonNode api = gw.admin("/v1/admin/logs", Map.of("limit", "25"));
        List<String> firstTimes = page.locator("table[data-table=logs] tbody tr td:first-child").allTextContents();
        assertThat(firstTimes).hasSize(25);
        List<String> apiTimes = new ArrayList<>();
        api.get("data").forEach(r -> apiTimes.add(r.get("started_at").asText().replace('T', ' ').replaceAll("(\\.\\d+)?Z$", "")));
        assertThat(firstTimes).containsExactlyElementsOf(apiTimes);
        assertThat(firstTimes).isSortedAccordingTo((a, b) -> b.compareTo(a));
        BrowserSession.screenshot(page, "logs");

        page.click("#older");
        PlaywrightAssertions.assertThat(page.locator("#page-number")).hasText("Page 2");
        PlaywrightAssertions.assertThat(page.locator("table[data-table=logs] tbody tr")).hasCount(25);
        page.click("#older");
        PlaywrightAssertions.assertThat(page.locator("#page-number")).hasText("Page 3");
        PlaywrightAssertions.assertThat(page.locator("table[data-table=logs] tbody tr")).hasCount(DashboardFixture.SEEDED_CALLS - 50);
        PlaywrightAssertions.assertThat(page.locator("#older")).isDisabled();
        page.click("#newer");
        PlaywrightAssertions.assertThat(page.locator("#page-number")).hasText("Page 2");

        // The same filters as the API: model + status, then a tag and a user.
        page.fill("#log-filters input[name=model]", "gpt-4o");
        page.selectOption("#log-filters select[name=status]", "error");
        page.click("#log-filters button[type=submit]");
        PlaywrightAssertions.assertThat(page.locator("table[data-table=logs] tbody tr")).hasCount(DashboardFixture.SEEDED_ERRORS);
        assertThat(page.textContent("table[data-table=logs]")).contains("invalid_value");
        assertThat(page.url()).contains("model=gpt-4o").contains("status=error");

        page.click("#log-filters button:has-text('Clear')");
        PlaywrightAssertions.assertThat(page.locator("#log-filters input[name=model]")).hasValue("");
        page.fill("#log-filters input[name=tag]", "tier:free");
        page.fill("#log-filters input[name=user]", "carol");
        page.click("#log-filters button[type=submit]");
        PlaywrightAssertions.assertThat(page.locator("table[data-table=logs] tbody tr")).hasCount(5);
        PlaywrightAssertions.assertThat(page.locator("table[data-table=logs] tbody tr").first()).containsText("unpriced");

        // A record opens with every field and its kept payload.
        page.click("#log-filters button:has-text('Clear')");
        PlaywrightAssertions.assertThat(page.locator("#log-filters input[name=tag]")).hasValue("");
        page.fill("#log-filters input[name=model]", "gpt-4o-mini");
        page.selectOption("#log-filters select[name=status]", "success");
        page.click("#log-filters button[type=submit]");
        PlaywrightAssertions.assertThat(page.locator("table[data-table=logs] tbody tr")).hasCount(16);
        page.locator("table[data-table=logs] tbody tr").first().click();
        page.waitForSelector("[data-field=id]");
        String id = page.textContent("[data-field=id]").strip();
        JsonNode record = gw.admin("/v1/admin/logs/" + id, Map.of());
        assertThat(page.url()).endsWith("#/logs/" + id);
        assertThat(page.textContent("[data-field=model]")).isEqualTo("gpt-4o-mini");
        assertThat(page.textContent("[data-field=cost]")).isEqualTo(usd(record.get("cost_micros").asLong())).isEqualTo("$0.00006");
        assertThat(page.textContent("[data-field=input_tokens]")).isEqualTo(count(record.get("input_tokens").asLong()));
        assertThat(page.textContent("[data-field=key]")).contains(record.get("key_name").asText());
        assertThat(page.textContent("[data-field=tags]")).contains("tier: " + record.get("tags").get("tier").asText());
        assertThat(page.textContent("[data-field=payload_mode]")).isEqualTo("full");
        assertThat(page.textContent("[data-payload=request]")).contains("What is the capital of France?");
        assertThat(page.textContent("[data-payload=response]")).contains(record.get("kept_payload").get("response").asText().contains("batch")
                ? "batch" : "short");
        BrowserSession.screenshot(page, "record");

        page.click("#back-to-logs");
        page.waitForSelector("table[data-table=logs] tbody tr");
        assertThat(page.url()).contains("#/logs?");
    }

    @Test
    void eventsShowSecurityAndAdminEventsAndFilterByType() throws Exception {
        Page page = signedIn();
        page.click("nav a[data-page=events]");
        page.waitForSelector("table[data-table=events] tbody tr");
        JsonNode api = gw.admin("/v1/admin/events", Map.of("limit", "50"));
        Locator rows = page.locator("table[data-table=events] tbody tr");
        assertThat(rows.count()).isEqualTo(api.get("data").size());
        List<String> types = rows.locator("td:nth-child(3)").allTextContents();
        List<String> apiTypes = new ArrayList<>();
        api.get("data").forEach(e -> apiTypes.add(e.get("type").asText()));
        assertThat(types).containsExactlyElementsOf(apiTypes);
        assertThat(types).contains("auth_failure", "unknown_model", "rate_limited", "admin_auth_failure", "key_created");

        rows.filter(new Locator.FilterOptions().setHasText("key_created")).first().click();
        PlaywrightAssertions.assertThat(page.locator("table[data-table=events] tr.detail")).containsText("After");
        BrowserSession.screenshot(page, "events");

        page.selectOption("#event-filters select[name=type]", "unknown_model");
        page.click("#event-filters button[type=submit]");
        PlaywrightAssertions.assertThat(page.locator("table[data-table=events] tbody tr")).hasCount(3);
        assertThat(page.locator("table[data-table=events] tbody tr td:nth-child(5)").allTextContents()).containsOnly("gpt-9");
    }

    @Test
    void alertsListEveryCrossedThresholdAsTheAdminApiDoes() throws Exception {
        JsonNode api = gw.admin("/v1/admin/alerts", Map.of());
        assertThat(api.get("data")).hasSize(2); // the seeded tier=pro budget: 50% and 100%
        Page page = signedIn();
        page.click("nav a[data-page=alerts]");
        page.waitForSelector("table[data-table=alerts] tbody tr:not(.empty)");
        Locator rows = page.locator("table[data-table=alerts] tbody tr");
        assertThat(rows.count()).isEqualTo(2);
        assertThat(rows.locator("td:nth-child(2)").allTextContents()).containsOnly("tag:tier=pro");
        assertThat(rows.locator("td:nth-child(3)").allTextContents())
                .containsExactlyInAnyOrder("50% of $0.0001 / month", "100% of $0.0001 / month");
        assertThat(rows.locator("td:nth-child(5)").allTextContents()).containsOnly("pending");
        List<String> ids = new ArrayList<>();
        api.get("data").forEach(a -> ids.add(a.get("delivery_id").asText()));
        assertThat(rows.locator("td:nth-child(7)").allTextContents()).containsExactlyElementsOf(ids);
        BrowserSession.screenshot(page, "alerts");

        page.selectOption("#alert-filters select[name=state]", "delivered");
        page.click("#alert-filters button[type=submit]");
        PlaywrightAssertions.assertThat(page.locator("table[data-table=alerts] tbody tr.empty")).hasCount(1);
    }

    @Test
    void integrityShowsTheVerifyReportWithEachChainsSignedHeadOnceEveryEntryIsSigned() throws Exception {
        JsonNode report = awaitAllSigned();
        Page page = signedIn();
        page.click("nav a[data-page=integrity]");
        PlaywrightAssertions.assertThat(page.locator("#verify-status")).hasAttribute("data-ok", "true");
        PlaywrightAssertions.assertThat(page.locator("#verify-status")).hasAttribute("data-unsigned", "0");
        assertThat(report.get("ok").asBoolean()).isTrue();
        long entries = 0;
        for (JsonNode chain : report.get("chains")) {
            entries += chain.get("entries").asLong();
            Locator row = page.locator("table[data-table=chains] tr[data-chain='" + chain.get("chain").asText() + "']");
            PlaywrightAssertions.assertThat(row).containsText(count(chain.get("entries").asLong()));
            PlaywrightAssertions.assertThat(row).containsText(chain.get("head").asText().substring(0, 16));
            PlaywrightAssertions.assertThat(row).containsText("intact");
            PlaywrightAssertions.assertThat(row.locator("[data-cell=latest-head]"))
                    .containsText("size " + count(chain.get("latest_head").get("tree_size").asLong()) + " · ");
            PlaywrightAssertions.assertThat(row.locator("[data-cell=unsigned]")).hasText("all signed");
            PlaywrightAssertions.assertThat(row.locator("[data-cell=key]")).hasText("key listed by the store");
        }
        PlaywrightAssertions.assertThat(page.locator("#verify-status")).containsText("Verified: " + count(entries) + " entries");
        PlaywrightAssertions.assertThat(page.locator("#verify-status")).containsText("every hash and signature checks out");
        PlaywrightAssertions.assertThat(page.locator("#witness-status")).hasAttribute("data-state", "none");
        BrowserSession.screenshot(page, "integrity");
    }

    /** The verify report once a head covers every entry (heads are signed within audit.sign_interval). */
    private JsonNode awaitAllSigned() throws Exception {
        while (true) {
            JsonNode report = gw.admin("/v1/admin/verify", Map.of());
            boolean signed = true;
            for (JsonNode chain : report.get("chains")) {
                signed &= chain.get("unsigned_entries").asLong() == 0;
            }
            if (signed) {
                return report;
            }
            Thread.sleep(50);
        }
    }

    @Test
    void integrityNeverSaysEverySignatureChecksOutWhileEntriesAreUnsignedAndShowsTheWitnessAlarm(@TempDir Path dir)
            throws Exception {
        Path witnessState = Files.writeString(dir.resolve("witness.json"), """
                {"checked_at":"2026-12-03T20:00:00.000Z","ok":false,"heads":[],
                 "findings":[{"chain":"dash-chain","kind":"rollback","message":"tree size 3 is smaller than the saved 7"}]}
                """);
        // No head is signed by time during the test, and none by count: every entry stays unsigned.
        try (DashboardFixture unsigned = new DashboardFixture(dir, "  witness_state: " + witnessState + "\n",
                c -> c.withSignInterval(java.time.Duration.ofHours(1)))) {
            for (int i = 0; i < 3; i++) {
                unsigned.gateway.keys().create(dev.tally.gateway.keys.KeySettings.named("key-" + i), "test");
            }
            unsigned.recorder.flush();
            current = browser.newPage();
            Page page = current.page();
            page.navigate(unsigned.base() + "/dashboard");
            page.fill("#token", DashboardFixture.ADMIN_TOKEN);
            page.click("#signin-button");
            page.waitForSelector("[data-card=calls] .card-value");
            page.click("nav a[data-page=integrity]");

            PlaywrightAssertions.assertThat(page.locator("#verify-status")).hasAttribute("data-unsigned", "3");
            PlaywrightAssertions.assertThat(page.locator("#verify-status")).hasAttribute("data-ok", "true");
            PlaywrightAssertions.assertThat(page.locator("#verify-status")).containsText(
                    "3 newest entries are not yet covered by a signed head");
            PlaywrightAssertions.assertThat(page.locator("#verify-status")).not().containsText("every hash and signature");
            Locator row = page.locator("table[data-table=chains] tr[data-chain='dash-chain']");
            PlaywrightAssertions.assertThat(row.locator("[data-cell=unsigned]")).hasText("3 unsigned");
            PlaywrightAssertions.assertThat(row.locator("[data-cell=latest-head]")).hasText("no signed head yet");
            PlaywrightAssertions.assertThat(page.locator("#witness-status")).hasAttribute("data-state", "alarm");
            PlaywrightAssertions.assertThat(page.locator("#witness-status")).containsText(
                    "The witness found 1 problem at 2026-12-03 20:00:00 UTC.");
            PlaywrightAssertions.assertThat(page.locator("#witness-status li[data-chain=dash-chain]")).hasText(
                    "dash-chain rollback: tree size 3 is smaller than the saved 7");
            BrowserSession.screenshot(page, "integrity-unsigned");
        }
    }
}
