package dev.tally.cli;

import static dev.tally.cli.LogsCommandTest.assertUsage;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.json.Json;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tally usage} on a store written by the real recorder (figures come from the rollups). */
class UsageCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void seed() throws InterruptedException {
        SeededStore.write(dir);
    }

    private CliRun usage(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "usage";
        full[1] = "--data";
        full[2] = dir.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.of(full);
    }

    private static List<String> lines(CliRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return Arrays.asList(run.out().split("\n"));
    }

    @Test
    void groupsByModelWithATotalsRowAndMarksCostThatLeavesOutUnpricedCalls() {
        List<String> lines = lines(usage("--by", "model"));

        assertThat(lines.getFirst()).containsSubsequence("MODEL", "CALLS", "SUCCESS", "ERRORS", "REFUSED", "CANCELLED",
                "INPUT TOKENS", "OUTPUT TOKENS", "COST", "AVG LATENCY", "P95 LATENCY", "P95 TTFT");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("claude-sonnet")
                .containsSubsequence(" 1 ", " 1 ", " 0 ", " 0 ", " 0 ", " 100 ", " 40 ", "$0.003 "));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("gpt-4o-mini")
                .containsSubsequence(" 3 ", " 2 ", " 0 ", " 1 ", "$0.0003*"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("gpt-4o ")
                .containsSubsequence(" 1 ", " 0 ", " 1 ", " 0 ").contains(" - "));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("(none)").containsSubsequence(" 1 ", " 1 ", " - "));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("TOTAL")
                .containsSubsequence(" 6 ", " 4 ", " 1 ", " 1 ", " 0 ", " 400 ", " 120 ", "$0.0033*"));
        assertThat(lines.getLast()).isEqualTo(
                "* the cost leaves out 3 call(s) without a price (models with no price configured, or failed before a cost was known)");
    }

    @Test
    void withoutGroupsOnlyTheTotalsRowIsPrinted() {
        List<String> lines = lines(usage());

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("       CALLS");
        assertThat(lines.get(1)).startsWith("TOTAL      6        4       1        1");
    }

    @Test
    void jsonHasTheAdminApiShape() throws Exception {
        CliRun run = usage("--by", "key,day", "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = Json.mapper().readTree(run.out());
        assertThat(json.get("summary").get("calls").asLong()).isEqualTo(6);
        assertThat(json.get("summary").get("cost_micros").asLong()).isEqualTo(3300);
        assertThat(json.get("summary").get("unpriced_calls").asLong()).isEqualTo(3);
        assertThat(json.get("summary").get("latency_ms").get("p95").isNumber()).isTrue();
        assertThat(json.get("groups")).isNotEmpty();
        JsonNode group = json.get("groups").get(0);
        assertThat(group.get("group").has("key")).isTrue();
        assertThat(group.get("group").has("day")).isTrue();
        assertThat(json.get("groups").findValuesAsText("key_name")).contains("team-a", "team-b");
        assertThat(group.has("calls")).isTrue();
        assertThat(group.get("ttft_ms").has("p99")).isTrue();
        long calls = 0;
        for (JsonNode g : json.get("groups")) {
            calls += g.get("calls").asLong();
        }
        assertThat(calls).isEqualTo(6);
    }

    @Test
    void orderByAndLimitGiveTheTopSpender() throws Exception {
        JsonNode json = Json.mapper().readTree(usage("--by", "model", "--order-by", "cost_micros", "--limit", "1", "--json").out());

        assertThat(json.get("groups")).hasSize(1);
        assertThat(json.get("groups").get(0).get("group").get("model").asText()).isEqualTo("claude-sonnet");
    }

    @Test
    void rangeTagAndKeyNameFiltersApply() throws Exception {
        JsonNode firstDay = Json.mapper().readTree(usage("--since", "2026-03-02", "--until", "2026-03-03", "--json").out());
        JsonNode byTier = Json.mapper().readTree(usage("--by", "tag:tier", "--json").out());
        JsonNode teamB = Json.mapper().readTree(usage("--key", "team-b", "--json").out());

        assertThat(firstDay.get("summary").get("calls").asLong()).isEqualTo(4);
        assertThat(byTier.get("groups").findValuesAsText("tag:tier")).contains("pro", "free");
        assertThat(teamB.get("summary").get("calls").asLong()).isEqualTo(2);
        assertThat(lines(usage("--by", "hour_of_day,status,provider,user"))).anySatisfy(l -> assertThat(l).startsWith("TOTAL"));
        assertThat(lines(usage("--by", "key"))).anySatisfy(l -> assertThat(l).startsWith("team-a ").contains(" 3 "));
    }

    @Test
    void badValuesAreUsageErrors() {
        assertUsage(usage("--by", "colour"), "--by: 'colour' (expected: model, key, provider, status, user, hour, day, hour_of_day or tag:<name>)");
        assertUsage(usage("--by", "tag:a,tag:b"), "at most one tag:<name>");
        assertUsage(usage("--order-by", "price"), "--order-by: 'price' (expected one of:");
        assertUsage(usage("--limit", "0"), "--limit: 0 (expected: 1..10000)");
        assertUsage(usage("--since", "soon"), "--since: 'soon'");
        assertUsage(usage("--status", "fine"), "--status: 'fine'");
    }
}
