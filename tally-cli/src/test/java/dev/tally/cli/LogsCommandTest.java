package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tally logs} on a store written by the real recorder. */
class LogsCommandTest {

    @TempDir
    Path dir;

    private SeededStore seeded;

    @BeforeEach
    void seed() throws InterruptedException {
        seeded = SeededStore.write(dir);
    }

    private CliRun logs(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "logs";
        full[1] = "--data";
        full[2] = dir.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.of(full);
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    @Test
    void tableShowsTimeStatusModelKeyTokensCostLatencyAndTtftNewestFirst() {
        CliRun run = logs();

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = lines(run.out());
        assertThat(lines).hasSize(7);
        assertThat(lines.getFirst()).containsSubsequence("TIME (UTC)", "STATUS", "HTTP", "ERROR", "MODEL", "KEY",
                "TOKENS IN/OUT", "COST", "LATENCY", "TTFT", "ID");
        CallRecord first = seeded.calls.getFirst();
        assertThat(lines.getLast()).containsSubsequence("2026-03-02 10:00:00.000", "success", "gpt-4o-mini", "team-a",
                "100/40", "$0.00015", "250ms", "80ms", first.id());
        assertThat(lines.get(1)).contains(seeded.calls.getLast().id()).containsSubsequence("success", "-", "-", "-");
        assertThat(lines.get(5)).containsSubsequence("error", "502", "upstream_error", "gpt-4o", "team-b", "100/-", " - ",
                "250ms");
        assertThat(lines.get(4)).containsSubsequence("refused", "429", "rate_limited", "team-b");
        assertThat(run.out()).doesNotContain("\u001b[");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void jsonPrintsEachRecordsCanonicalBytesOnOneLine() throws Exception {
        CliRun run = logs("--json");

        assertThat(run.exitCode()).isZero();
        List<String> lines = lines(run.out());
        List<AuditEntry> stored = seeded.stored();
        assertThat(lines).hasSize(stored.size());
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).isEqualTo(new String(EntryHasher.canonicalBytes(stored.get(i)), StandardCharsets.UTF_8));
            JsonNode node = Json.mapper().readTree(lines.get(i));
            assertThat(node.get("kind").asText()).isEqualTo("call");
        }
        assertThat(lines.getFirst()).contains(seeded.calls.getLast().id());
    }

    @Test
    void filtersNarrowTheRecordsLikeTheAdminApi() {
        assertThat(ids(logs("--json", "--model", "gpt-4o"))).containsExactly(seeded.calls.get(1).id());
        assertThat(ids(logs("--json", "--status", "refused"))).containsExactly(seeded.calls.get(2).id());
        assertThat(ids(logs("--json", "--key", "team-b"))).as("a key name resolves to its id")
                .containsExactly(seeded.calls.get(2).id(), seeded.calls.get(1).id());
        assertThat(ids(logs("--json", "--key", "key-2"))).hasSize(2);
        assertThat(ids(logs("--json", "--provider", "anthropic"))).containsExactly(seeded.calls.get(3).id());
        assertThat(ids(logs("--json", "--user", "alice"))).containsExactly(seeded.calls.get(3).id(), seeded.calls.get(2).id());
        assertThat(ids(logs("--json", "--tag", "tier=pro"))).containsExactly(seeded.calls.getFirst().id());
        assertThat(ids(logs("--json", "--since", "2026-03-02T10:01:00Z", "--until", "2026-03-02T11:00:00Z")))
                .containsExactly(seeded.calls.get(2).id(), seeded.calls.get(1).id());
        long t0 = SeededStore.T0.toEpochMilli();
        assertThat(ids(logs("--json", "--since", Long.toString(t0 + 3_600_000), "--until", "2026-03-03")))
                .containsExactly(seeded.calls.get(3).id());
        assertThat(ids(logs("--json", "--since", "2026-03-03T10:00:30+00:00"))).containsExactly(seeded.calls.getLast().id());
    }

    @Test
    void noMatchSaysSoInTheTableAndPrintsNothingAsJson() {
        CliRun table = logs("--model", "no-such-model");
        CliRun json = logs("--json", "--model", "no-such-model");

        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).isEqualTo("no call records match\n");
        assertThat(json.out()).isEmpty();
    }

    @Test
    void limitPagesAndTheCursorOfTheNextPageGoesToStandardError() {
        CliRun first = logs("--json", "--limit", "4");
        Matcher cursor = Pattern.compile("more records: add --cursor (\\S+)").matcher(first.err());
        assertThat(cursor.find()).as(first.err()).isTrue();

        CliRun second = logs("--json", "--limit", "4", "--cursor", cursor.group(1));

        assertThat(ids(first)).hasSize(4);
        assertThat(ids(second)).hasSize(2).doesNotContainAnyElementsOf(ids(first));
        assertThat(second.err()).isEmpty();
    }

    @Test
    void badValuesAreUsageErrorsNamingOptionValueAndExpectation() {
        assertUsage(logs("--limit", "0"), "--limit: 0 (expected: 1..1000)");
        assertUsage(logs("--limit", "1001"), "--limit: 1001 (expected: 1..1000)");
        assertUsage(logs("--status", "ok"), "--status: 'ok' (expected one of: success, error, refused, cancelled, interrupted)");
        assertUsage(logs("--since", "yesterday"), "--since: 'yesterday' (expected: ISO-8601");
        assertUsage(logs("--since", "2026-03-03", "--until", "2026-03-02"), "is not before --until");
        assertUsage(logs("--tag", "tier"), "--tag: 'tier' (expected: name=value");
        assertUsage(logs("--color", "rainbow"), "--color: 'rainbow' (expected: auto, always or never)");
        assertUsage(logs("--cursor", "garbage"), "cursor: 'garbage' (expected: a cursor returned by a previous page)");
        assertUsage(logs("--follow", "--until", "2026-03-03"), "--follow cannot be used with --until");
        assertUsage(logs("--interval", "0s", "--follow"), "--interval: '0s'");
        assertUsage(CliRun.of("logs", "--data", dir.toString(), "--url", "http://127.0.0.1:1", "--token", "t"),
                "--data and --url cannot be used together");
        assertUsage(logs("--limit", "many"), "Invalid value for option '--limit': 'many' is not an int");
    }

    @Test
    void idShowsOneRecordInFullWithItsChainPlaceAndKeptPayload() throws Exception {
        CallRecord kept = seeded.calls.get(3);

        CliRun text = logs("--id", kept.id());
        CliRun json = logs("--id", kept.id(), "--json");
        CliRun plain = logs("--id", seeded.calls.getFirst().id());

        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("id:", kept.id(), "model:", "claude-sonnet", "chain:", SeededStore.CHAIN,
                "seq:", "hash:", "kept_payload:", "full, request sha256 " + "a".repeat(64),
                "--- request\n" + SeededStore.REQUEST + "\n--- response\nHello!\nHow can I help?\n");
        JsonNode detail = Json.mapper().readTree(json.out());
        assertThat(detail.get("id").asText()).isEqualTo(kept.id());
        assertThat(detail.get("chain").asText()).isEqualTo(SeededStore.CHAIN);
        assertThat(detail.get("seq").asLong()).isPositive();
        assertThat(detail.get("hash").asText()).hasSize(64);
        assertThat(detail.get("kept_payload").get("response").asText()).isEqualTo(SeededStore.RESPONSE);
        assertThat(json.out()).startsWith(new String(EntryHasher.canonicalBytes(kept), StandardCharsets.UTF_8)
                .replaceAll("}$", ","));
        assertThat(plain.out()).containsPattern("\nkept_payload: +none\n").containsPattern("\nkey_name: +team-a\n");
    }

    @Test
    void anUnknownIdIsAFailure() {
        CliRun run = logs("--id", "0190aaaa-0000-7000-8000-000000000000");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("id: '0190aaaa-0000-7000-8000-000000000000' (expected: the id of a call record");
    }

    @Test
    void aDirectoryWithoutAStoreIsAFailureNotAnEmptyLog() {
        CliRun run = CliRun.of("logs", "--data", dir.resolve("nowhere").toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("has no tally.db");
        assertThat(dir.resolve("nowhere")).doesNotExist();
    }

    @Test
    void helpDescribesEveryOption() {
        CliRun run = CliRun.of("logs", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: tally logs", "--since", "--until", "--key", "--model", "--provider",
                "--status", "--user", "--tag", "--limit", "--cursor", "--json", "--follow", "--data", "--url", "--token");
    }

    static void assertUsage(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains(message);
    }

    static List<String> ids(CliRun run) {
        assertThat(run.exitCode()).as(run.err()).isZero();
        return lines(run.out()).stream().map(l -> {
            try {
                return Json.mapper().readTree(l).get("id").asText();
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
    }
}
