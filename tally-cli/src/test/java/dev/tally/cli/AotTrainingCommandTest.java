package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally aot-training}, the workloads the launcher records into the AOT caches: the serve
 * workload runs the gateway and leaves its store in the given directory, the commands workload
 * runs the reading commands on it; both succeed; and the command stays out of the help an
 * operator reads.
 */
class AotTrainingCommandTest {

    @TempDir
    Path dir;

    @Test
    void runsTheServeWorkloadThenTheCommandsOnItsStore() {
        CliRun serve = CliRun.withEnvironment(java.util.Map.of(), "aot-training", "serve", "--dir", dir.toString());

        assertThat(serve.exitCode()).as(serve.err()).isZero();
        assertThat(dir.resolve("data/tally.db")).exists();

        CliRun commands = CliRun.withEnvironment(java.util.Map.of(), "aot-training", "commands", "--dir", dir.toString());

        assertThat(commands.exitCode()).as(commands.err()).isZero();
    }

    @Test
    void theCommandsWorkloadNeedsTheServeWorkloadsStore() {
        CliRun run = CliRun.of("aot-training", "commands", "--dir", dir.resolve("empty").toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("--dir: ", "(expected: a directory the serve workload has filled");
    }

    @Test
    void isHiddenFromTheHelp() {
        CliRun help = CliRun.of("--help");

        assertThat(help.out()).contains("serve").doesNotContain("aot-training");
    }
}
