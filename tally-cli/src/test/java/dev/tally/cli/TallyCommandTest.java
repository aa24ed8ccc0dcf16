package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TallyCommandTest {

    @Test
    void helpListsTheCommandsAndExitsZero() {
        CliRun run = CliRun.of("--help");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.OK);
        assertThat(run.out()).contains("Usage: tally", "verify", "help", "--version");
    }

    @Test
    void everySubcommandHasHelp() {
        CliRun run = CliRun.of("verify", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: tally verify", "--data", "--json", "--public-key");
    }

    @Test
    void helpCommandExplainsASubcommand() {
        CliRun run = CliRun.of("help", "verify");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: tally verify");
    }

    @Test
    void versionNamesTheBuiltVersion() {
        CliRun run = CliRun.of("--version");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("tally " + VersionProvider.version()).contains("Java ");
        assertThat(VersionProvider.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("Missing command", "Usage: tally");
    }

    @Test
    void unknownCommandOrOptionIsAUsageError() {
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(TallyCommand.USAGE);
        CliRun run = CliRun.of("verify", "--no-such-option");

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("Unknown option: '--no-such-option'");
    }
}
