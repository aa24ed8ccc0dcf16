package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.Operation;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code tally logs} table: HTTP status and error code columns, the operation of a call
 * without a model, and the status coloured only when asked or on a terminal without NO_COLOR.
 */
class LogsTableTest {

    private static final String ESC = "\u001b[";

    @TempDir
    Path dir;

    @BeforeEach
    void seed() throws InterruptedException {
        Entries entries = new Entries();
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"));
                Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw-table", dir), Clock.systemUTC())) {
            recorder.record(entries.call(Entries.T0).build());
            recorder.record(entries.call(Entries.T0.plusSeconds(1)).model(null).servedModel(null).operation(Operation.MODELS)
                    .endpoint("/v1/models").inputTokens(null).cachedInputTokens(null).outputTokens(null).costMicros(null)
                    .priceId(null).build());
            recorder.record(entries.call(Entries.T0.plusSeconds(2)).status(CallStatus.CANCELLED).httpStatus(499)
                    .errorCode("client_cancelled").build());
            recorder.record(entries.call(Entries.T0.plusSeconds(3)).status(CallStatus.ERROR).httpStatus(502)
                    .errorCode("upstream_error").build());
            recorder.flush();
        }
    }

    private CliRun logs(Map<String, String> environment, String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "logs";
        full[1] = "--data";
        full[2] = dir.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.withEnvironment(environment, full);
    }

    @Test
    void plainTableHasHttpStatusErrorCodeAndTheOperationOfACallWithoutAModel() {
        CliRun run = logs(Map.of());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).containsSubsequence("STATUS", "HTTP", "ERROR", "MODEL");
        assertThat(lines.get(1)).containsSubsequence("error", "502", "upstream_error", "gpt-4o-mini");
        assertThat(lines.get(2)).containsSubsequence("cancelled", "499", "client_cancelled", "gpt-4o-mini");
        assertThat(lines.get(3)).containsSubsequence("success", "200", " - ", "models.list", "team-a");
        assertThat(lines.get(4)).containsSubsequence("success", "200", " - ", "gpt-4o-mini", "team-a");
        assertThat(run.out()).doesNotContain(ESC);
        // The HTTP column lines up: every row has its code at the header's column.
        int column = lines.get(0).indexOf("HTTP");
        assertThat(lines.subList(1, 5)).allSatisfy(l -> assertThat(l.substring(column, column + 3)).matches("\\d{3}"));
    }

    @Test
    void colourAlwaysColoursStatusAndHttpCellsWithoutMovingColumns() {
        CliRun plain = logs(Map.of(), "--color", "never");
        CliRun coloured = logs(Map.of("NO_COLOR", "1"), "--color=always");

        assertThat(coloured.exitCode()).as(coloured.err()).isZero();
        List<String> lines = coloured.out().lines().toList();
        assertThat(lines.get(0)).doesNotContain(ESC);
        assertThat(lines.get(1)).contains(ESC + "31merror" + ESC + "0m", ESC + "31m502" + ESC + "0m");
        assertThat(lines.get(2)).contains(ESC + "33mcancelled" + ESC + "0m", ESC + "33m499" + ESC + "0m");
        assertThat(lines.get(4)).contains(ESC + "32msuccess" + ESC + "0m", ESC + "32m200" + ESC + "0m");
        assertThat(coloured.out().replaceAll("\u001b\\[\\d+m", "")).isEqualTo(plain.out());
    }

    @Test
    void autoIsPlainWhenNotATerminalOrWhenNoColorIsSet() {
        assertThat(logs(Map.of(), "--color", "auto").out()).doesNotContain(ESC);
        assertThat(dev.tally.cli.options.ColorOptionAccess.enabled("auto", Map.of(), true)).isTrue();
        assertThat(dev.tally.cli.options.ColorOptionAccess.enabled("auto", Map.of("NO_COLOR", "1"), true)).isFalse();
        assertThat(dev.tally.cli.options.ColorOptionAccess.enabled("auto", Map.of("NO_COLOR", ""), true)).isTrue();
        assertThat(dev.tally.cli.options.ColorOptionAccess.enabled("auto", Map.of(), false)).isFalse();
        assertThat(dev.tally.cli.options.ColorOptionAccess.enabled("always", Map.of("NO_COLOR", "1"), false)).isTrue();
        assertThat(dev.tally.cli.options.ColorOptionAccess.enabled("never", Map.of(), true)).isFalse();
    }
}
