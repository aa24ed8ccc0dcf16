package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.UsageSource;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tally import} of a relay's ndjson call log into a real store, checked with the store and {@code tally verify}. */
class ImportCommandTest {

    private static final long TS = 1_772_445_600_000L; // 2026-03-02T10:00:00Z

    private static final String LOG = String.join("\n",
            "{\"ts\":" + TS + ",\"model\":\"gemini-2.5-pro\",\"status\":\"success\",\"duration_ms\":812.6,"
                    + "\"input_tokens\":1200,\"output_tokens\":300,\"thinking_tokens\":500,\"cost_usd\":0.0012345,"
                    + "\"install_id\":\"inst-42\",\"tier\":\"pro\",\"pipeline\":\"summarise\",\"backend\":\"vertex\","
                    + "\"job_id\":\"job-7\",\"region\":\"eu\",\"retries\":2}",
            "{\"ts\":" + (TS + 1000) + ",\"model\":\"gpt-4o\",\"status\":\"error\",\"error\":\"upstream 502\",\"backend\":\"openai\"}",
            "{\"ts\": \"yesterday\", \"status\": \"success\"}",
            "",
            "not json at all",
            "{\"ts\":" + (TS + 2000) + ",\"model\":\"gpt-4o\",\"status\":\"refused\",\"cost_usd\":\"0\"}",
            "{\"ts\":" + (TS + 3000) + ",\"model\":\"gpt-4o\",\"status\":\"ok\"}",
            "{\"ts\":" + (TS + 4000) + ",\"model\":\"gpt-4o\",\"status\":\"success\",\"input_tokens\":-5}") + "\n";

    @TempDir
    Path dir;

    private Path data() {
        return dir.resolve("data");
    }

    private Path log(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private List<CallRecord> imported() {
        try (SqliteAuditStore store = SqliteAuditStore.open(data().resolve("tally.db"))) {
            return store.calls(CallQuery.all(1000)).data().stream().filter(e -> e.chain().startsWith("import-"))
                    .map(e -> (CallRecord) e.entry()).sorted(Comparator.comparing(CallRecord::startedAt)).toList();
        }
    }

    @Test
    void goodLinesAreImportedAndBadLinesReportedByNumberWithExitOne() throws Exception {
        Path file = log("relay.log", LOG);

        CliRun run = CliRun.of("import", file.toString(), "--data", data().toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.out()).contains("imported 3 call records from relay.log", "chain import-", "1 blank lines");
        assertThat(run.err()).contains(
                "import: relay.log: line 3: ts: \"yesterday\" (expected: epoch milliseconds as an integer, e.g. 1772445600000)",
                "import: relay.log: line 5: not JSON (",
                "import: relay.log: line 7: status: \"ok\" (expected: success, error, refused or cancelled)",
                "import: relay.log: line 8: input_tokens: -5 (expected: a whole number >= 0)",
                "import: 4 bad lines not imported: 3, 5, 7-8");
        List<CallRecord> records = imported();
        assertThat(records).hasSize(3);
        CallRecord first = records.getFirst();
        assertThat(first.startedAt().toEpochMilli()).isEqualTo(TS);
        assertThat(IdSource.millisOf(first.id())).as("the id's time is the call's").isEqualTo(TS);
        assertThat(first.model()).isEqualTo("gemini-2.5-pro");
        assertThat(first.provider()).isEqualTo("vertex");
        assertThat(first.user()).isEqualTo("inst-42");
        assertThat(first.status()).isEqualTo(CallStatus.SUCCESS);
        assertThat(first.durationMs()).isEqualTo(813L);
        assertThat(first.inputTokens()).isEqualTo(1200L);
        assertThat(first.outputTokens()).as("thinking counted beside the output by default").isEqualTo(800L);
        assertThat(first.reasoningTokens()).isEqualTo(500L);
        assertThat(first.usageSource()).isEqualTo(UsageSource.REPORTED);
        assertThat(first.costMicros()).as("0.0012345 USD, half-even to the micro-dollar").isEqualTo(1234L);
        assertThat(first.priceId()).isNull();
        assertThat(first.tags()).isEqualTo(Map.of("tier", "pro", "pipeline", "summarise", "job_id", "job-7", "region", "eu",
                "retries", "2", "imported_from", "relay.log"));
        CallRecord error = records.get(1);
        assertThat(error.status()).isEqualTo(CallStatus.ERROR);
        assertThat(error.errorMessage()).isEqualTo("upstream 502");
        assertThat(error.usageSource()).isEqualTo(UsageSource.UNKNOWN);
        assertThat(error.costMicros()).isNull();
        assertThat(records.get(2).status()).isEqualTo(CallStatus.REFUSED);
        assertThat(records.get(2).costMicros()).isZero();
    }

    @Test
    void importedRecordsVerifyAndShowInLogsUsageAndEvents() throws Exception {
        Path file = log("relay.log", LOG);
        CliRun.of("import", file.toString(), "--data", data().toString());

        CliRun verify = CliRun.of("verify", "--data", data().toString());
        CliRun logs = CliRun.of("logs", "--data", data().toString(), "--tag", "imported_from=relay.log", "--json");
        CliRun usage = CliRun.of("usage", "--data", data().toString(), "--by", "provider");
        CliRun events = CliRun.of("events", "--data", data().toString(), "--type", "import_run");

        assertThat(verify.exitCode()).as(verify.out()).isZero();
        assertThat(verify.out()).containsPattern("chain import-[^:]+: 4 entries").contains("OK: every chain verifies");
        assertThat(LogsCommandTest.ids(logs)).hasSize(3);
        assertThat(usage.out()).contains("vertex", "openai");
        assertThat(events.out()).containsSubsequence("admin", "import_run", "cli", "relay.log",
                "imported 3 call records from relay.log, 4 bad lines not imported");
    }

    @Test
    void theSameFileIsNotImportedTwiceUnlessForced() throws Exception {
        Path file = log("good.log", "{\"ts\":" + TS + ",\"status\":\"success\"}\n");
        assertThat(CliRun.of("import", file.toString(), "--data", data().toString()).exitCode()).isZero();

        CliRun again = CliRun.of("import", file.toString(), "--data", data().toString());
        CliRun forced = CliRun.of("import", file.toString(), "--data", data().toString(), "--force");

        assertThat(again.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(again.err()).contains("good.log (sha256 ", "was already imported at", "--force imports it again");
        assertThat(forced.exitCode()).as(forced.err()).isZero();
        assertThat(imported()).hasSize(2);
        assertThat(CliRun.of("verify", "--data", data().toString()).exitCode()).isZero();
    }

    @Test
    void outputIncludesThinkingKeepsOutputAndRejectsMoreThinkingThanOutput() throws Exception {
        Path file = log("openai.log", "{\"ts\":" + TS + ",\"status\":\"success\",\"output_tokens\":300,\"thinking_tokens\":200}\n"
                + "{\"ts\":" + TS + ",\"status\":\"success\",\"output_tokens\":100,\"thinking_tokens\":200}\n");

        CliRun run = CliRun.of("import", file.toString(), "--data", data().toString(), "--output-includes-thinking");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("line 2: thinking_tokens: 200 (expected: at most output_tokens 100");
        assertThat(imported()).singleElement().satisfies(r -> {
            assertThat(r.outputTokens()).isEqualTo(300L);
            assertThat(r.reasoningTokens()).isEqualTo(200L);
        });
    }

    @Test
    void dryRunChecksEveryLineAndWritesNothing() throws Exception {
        Path file = log("relay.log", LOG);

        CliRun run = CliRun.of("import", file.toString(), "--data", data().toString(), "--dry-run");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.out()).contains("checked relay.log: 3 good lines, 4 bad, 1 blank; nothing written (--dry-run)");
        assertThat(run.err()).contains("4 bad lines not imported: 3, 5, 7-8");
        assertThat(data()).doesNotExist();
    }

    @Test
    void aCleanFileExitsZeroAndBrokenUtf8IsABadLine() throws Exception {
        Path clean = log("clean.log", "{\"ts\":" + TS + ",\"status\":\"success\",\"model\":\"m\"}\r\n");
        Path broken = dir.resolve("broken.log");
        Files.write(broken, new byte[] {'{', '"', 'm', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});

        CliRun ok = CliRun.of("import", clean.toString(), "--data", data().toString());
        CliRun bad = CliRun.of("import", broken.toString(), "--data", data().toString());

        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.err()).isEmpty();
        assertThat(bad.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(bad.err()).contains("line 1: not UTF-8 text");
    }

    @Test
    void aMissingFileIsAFailureAndNoFileAUsageError() {
        CliRun missing = CliRun.of("import", dir.resolve("nope.log").toString(), "--data", data().toString());
        CliRun none = CliRun.of("import", "--data", data().toString());

        assertThat(missing.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(missing.err()).contains("file: " + dir.resolve("nope.log") + " is not a readable file");
        assertThat(none.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(none.err()).contains("Missing required parameter: '<file>'");
    }

    @Test
    void throughTheAdminApiIsRefusedAndNamesWhatToUse() throws Exception {
        Path file = log("relay.log", LOG);

        CliRun run = CliRun.of("import", file.toString(), "--url", "http://127.0.0.1:1");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("--url: import writes the store directly (expected: --data <dir> or --config <tally.yaml>)");
        assertThat(data()).doesNotExist();
    }
}
