package dev.tally.cli;

import static dev.tally.cli.LogsCommandTest.assertUsage;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --tag name=value} is the one tag syntax of every command; the old {@code name:value} is refused with the fix. */
class TagSyntaxTest {

    private static final String COLON_FORM = "--tag: 'tier:pro' (expected: name=value, e.g. --tag team=docs; "
            + "use tier=pro, the name:value form is not accepted)";

    @TempDir
    Path dir;

    SeededStore seeded;

    @BeforeEach
    void seed() throws InterruptedException {
        seeded = SeededStore.write(dir);
    }

    private CliRun run(String command, String... args) {
        String[] full = new String[args.length + 3];
        full[0] = command;
        full[1] = "--data";
        full[2] = dir.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return CliRun.of(full);
    }

    @Test
    void logsUsageAndExportFilterWithNameEqualsValue() {
        CliRun logs = run("logs", "--json", "--tag", "tier=pro");
        CliRun usage = run("usage", "--json", "--tag", "tier=pro");
        CliRun export = run("export", "--tag", "tier=pro");

        assertThat(logs.exitCode()).as(logs.err()).isZero();
        assertThat(logs.out().lines()).singleElement().asString().contains(seeded.calls.getFirst().id());
        assertThat(usage.exitCode()).as(usage.err()).isZero();
        assertThat(usage.out()).contains("\"calls\":1");
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).isEqualTo(logs.out());
    }

    @Test
    void aValueMayHoldEqualsAndColons() {
        CliRun logs = run("logs", "--json", "--tag", "url=http://x?a=b");

        assertThat(logs.exitCode()).as(logs.err()).isZero();
        assertThat(logs.out()).isEmpty();
    }

    @Test
    void theColonFormIsRefusedEverywhereWithTheRewrittenValue() {
        assertUsage(run("logs", "--tag", "tier:pro"), COLON_FORM);
        assertUsage(run("usage", "--tag", "tier:pro"), COLON_FORM);
        assertUsage(run("export", "--tag", "tier:pro"), COLON_FORM);
        assertUsage(CliRun.of("keys", "create", "--data", dir.toString(), "--name", "k", "--tag", "tier:pro"), COLON_FORM);
        assertUsage(run("logs", "--tag", "tier"), "--tag: 'tier' (expected: name=value, e.g. --tag team=docs)");
        assertUsage(run("logs", "--tag", "=pro"), "--tag: '=pro' (expected: name=value");
        assertUsage(run("logs", "--tag", "tier=a", "--tag", "tier=b"), "--tag: 'tier' given twice");
    }
}
