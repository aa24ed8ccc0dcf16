package dev.tally.cli;

import static dev.tally.cli.LogsCommandTest.assertUsage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.cli.export.CsvRecords;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code tally export} on stores written by the real recorder. */
class ExportCommandTest {

    @TempDir
    Path dir;

    @Test
    void ndjsonToStandardOutputIsEveryRecordsCanonicalJsonNewestFirst() throws Exception {
        SeededStore seeded = SeededStore.write(dir);

        CliRun run = CliRun.of("export", "--data", dir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<AuditEntry> stored = seeded.stored();
        StringBuilder expected = new StringBuilder();
        stored.forEach(e -> expected.append(new String(EntryHasher.canonicalBytes(e), StandardCharsets.UTF_8)).append('\n'));
        assertThat(run.out()).isEqualTo(expected.toString());
        assertThat(run.err()).as("no progress bar without a terminal").isEmpty();
    }

    @Test
    void csvToAFileHasAHeaderARowPerRecordAndNeutralisesFormulas() throws Exception {
        SeededStore seeded = SeededStore.write(dir);
        Path out = dir.resolve("calls.csv");

        CliRun run = CliRun.of("export", "--data", dir.toString(), "--format", "csv", "--out", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        String csv = Files.readString(out);
        String[] rows = csv.split("\r\n");
        assertThat(rows).hasSize(7);
        assertThat(rows[0]).isEqualTo(String.join(",", CsvRecords.COLUMNS));
        assertThat(rows[6]).isEqualTo(seeded.calls.getFirst().id() + ",2026-03-02T10:00:00.000Z,250,80,230,"
                + "4bf92f3577b34da6a3ce929d0e0e4736,,key-1,team-a,tk-3f9a1c,,\"{\"\"tier\"\":\"\"pro\"\"}\",10.0.0.7,"
                + "openai-python/1.40.0,chat,/v1/chat/completions,openai,true,gpt-4o-mini,gpt-4o-mini-2024-07-18,openai,1,"
                + "success,200,,,100,20,,40,,reported,150,prices-2026-01,stop,,512,2048,none,,,,,,");
        assertThat(rows[5]).contains(",error,502,upstream_error,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",100,");
        assertThat(csv).doesNotContain(",=HYPERLINK");
        assertThat(dir.resolve("calls.csv.partial")).doesNotExist();
    }

    @Test
    void filtersApplyToTheExport() throws Exception {
        SeededStore seeded = SeededStore.write(dir);

        CliRun run = CliRun.of("export", "--data", dir.toString(), "--status", "success", "--until", "2026-03-03");

        assertThat(LogsCommandTest.ids(run)).containsExactly(seeded.calls.get(3).id(), seeded.calls.getFirst().id());
    }

    @Test
    void manyPagesAreStreamedWithoutLosingOrRepeatingARecord() throws Exception {
        RecordedStore.write(dir, 2_345);

        CliRun run = CliRun.of("export", "--data", dir.toString(), "--format", "csv");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String[] rows = run.out().split("\r\n");
        assertThat(rows).hasSize(2_346);
        Set<String> ids = new HashSet<>();
        for (int i = 1; i < rows.length; i++) {
            ids.add(rows[i].substring(0, rows[i].indexOf(',')));
        }
        assertThat(ids).hasSize(2_345);
    }

    @Test
    void badFormatIsAUsageErrorAndAFailedExportLeavesNoFile() throws Exception {
        SeededStore.write(dir);
        assertUsage(CliRun.of("export", "--data", dir.toString(), "--format", "xlsx"), "--format: 'xlsx' (expected: ndjson or csv)");

        Path out = dir.resolve("missing-dir").resolve("calls.csv");
        CliRun run = CliRun.of("export", "--data", dir.toString(), "--out", out.toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.FAILURE);
        assertThat(run.err()).contains("out: " + out + " cannot be written");
        assertThat(out.getParent()).doesNotExist();
    }
}
