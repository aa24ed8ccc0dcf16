package dev.tally.gateway.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.id.IdSource;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard where re-pricing adjusted costs: on top of the seeded traffic, one gpt-4o call of
 * team-a recorded at a stale cost (1 micro-USD for 1000 input and 200 output tokens, 4,500 at
 * the configured $2.50 / $10) and re-priced through {@code POST /v1/admin/reprice}. The spend card
 * shows the adjusted spend and the recorded one with the adjustment, the breakdowns gain
 * adjustment columns, and the chart draws the adjusted spend. Fails on any console error, CSP
 * violation or failed request.
 */
class DashboardAdjustmentBrowserTest extends SeededDashboard {

    private static final long STALE = 1;
    private static final long DELTA = 4_500 - STALE;

    private BrowserSession.Watched current;
    private String staleId;

    @BeforeAll
    void repriceAStaleCall() throws Exception {
        String teamA = gw.gateway.keys().list().stream().filter(k -> k.name().equals("team-a")).findFirst()
                .orElseThrow().id();
        staleId = IdSource.system().next();
        gw.recorder.recordAndWait(CallRecord.builder().id(staleId)
                .startedAt(Instant.now().minusSeconds(120)).status(CallStatus.SUCCESS).keyId(teamA).keyName("team-a")
                .model("gpt-4o").provider("openai").inputTokens(1000L).outputTokens(200L).costMicros(STALE)
                .priceId("p-stale").tags(Map.of("tier", "pro")).build());
        String query = "model=gpt-4o&since=" + enc(Instant.now().minus(2, ChronoUnit.DAYS).toString()) + "&until="
                + enc(Instant.now().plus(1, ChronoUnit.HOURS).toString()) + "&reason=" + enc("price table fix");
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gw.base()
                + "/v1/admin/reprice?" + query)).header("authorization", "Bearer " + DashboardFixture.ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(DashboardFixture.JSON.readTree(res.body()).path("delta_micros").asLong()).isEqualTo(DELTA);
    }

    @AfterEach
    void pageBehaved() {
        if (current != null) {
            assertThat(current.problems()).as("console errors, CSP violations, failed requests").isEmpty();
            current = null;
        }
    }

    @Test
    void spendIsShownAdjustedBesideTheRecordedSpend() throws Exception {
        current = browser.newPage();
        Page page = current.page();
        page.navigate(gw.base() + "/dashboard");
        page.fill("#token", DashboardFixture.ADMIN_TOKEN);
        page.click("#signin-button");
        page.waitForSelector("[data-card=calls] .card-value");

        JsonNode summary = gw.admin("/v1/admin/usage", Map.of("since", Instant.now().minus(24, ChronoUnit.HOURS)
                .toString())).get("summary");
        long recorded = DashboardFixture.SEEDED_COST_MICROS + STALE;
        assertThat(summary.get("cost_micros").asLong()).isEqualTo(recorded);
        assertThat(summary.get("adjustment_micros").asLong()).isEqualTo(DELTA);
        assertThat(page.textContent("[data-card=spend] .card-label")).isEqualTo("Spend (adjusted)");
        assertThat(page.textContent("[data-card=spend] .card-value").strip())
                .isEqualTo(DashboardBrowserTest.usd(recorded + DELTA));
        assertThat(page.textContent("[data-card=spend] .card-sub")).contains(
                "recorded " + DashboardBrowserTest.usd(recorded), "adjustments +" + DashboardBrowserTest.usd(DELTA),
                "unpriced calls not included");

        page.waitForSelector("table[data-table=by-model] tbody tr");
        List<String> header = page.locator("table[data-table=by-model] thead th").allTextContents().stream()
                .map(String::strip).toList();
        assertThat(header).containsSubsequence("Spend", "Adjustments", "Adjusted spend");
        Map<String, List<String>> byModel = rows(page, "by-model");
        int adjustments = header.indexOf("Adjustments");
        assertThat(byModel.get("gpt-4o").get(adjustments)).isEqualTo("+" + DashboardBrowserTest.usd(DELTA));
        assertThat(byModel.get("gpt-4o").get(adjustments + 1)).startsWith(
                DashboardBrowserTest.usd(5_950 + 4_000 + 130 + STALE + DELTA));
        assertThat(byModel.get("gpt-4o-mini").get(adjustments)).isEmpty();
        assertThat(byModel.get("free-model").get(adjustments + 1)).isEqualTo("unpriced");
        assertThat(page.textContent("table[data-table=by-key]")).contains("+" + DashboardBrowserTest.usd(DELTA));

        page.waitForFunction("() => window.Chart && Chart.getChart('usage-chart')");
        Object drawnSpend = page.evaluate(
                "Math.round(Chart.getChart('usage-chart').data.datasets[0].data.reduce((a, b) => a + b, 0) * 1e6)");
        assertThat(((Number) drawnSpend).longValue()).isEqualTo(recorded + DELTA);
        BrowserSession.screenshot(page, "overview-adjusted");

        // The re-priced call's record keeps its recorded cost and lists the adjustment.
        page.navigate(gw.base() + "/dashboard#/logs/" + staleId);
        page.waitForSelector("[data-field=adjusted_cost]");
        assertThat(page.textContent("[data-field=cost]")).isEqualTo(DashboardBrowserTest.usd(STALE));
        assertThat(page.textContent("[data-field=adjusted_cost]")).isEqualTo(DashboardBrowserTest.usd(STALE + DELTA));
        assertThat(page.textContent("[data-field=cost_adjustments]")).contains("+" + DashboardBrowserTest.usd(DELTA),
                "price table fix");
        BrowserSession.screenshot(page, "record-adjusted");
    }

    private static Map<String, List<String>> rows(Page page, String table) {
        Map<String, List<String>> out = new HashMap<>();
        Locator rows = page.locator("table[data-table=" + table + "] tbody tr");
        for (int i = 0; i < rows.count(); i++) {
            List<String> cells = rows.nth(i).locator("td").allTextContents().stream().map(String::strip).toList();
            out.put(cells.getFirst(), cells);
        }
        return out;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
