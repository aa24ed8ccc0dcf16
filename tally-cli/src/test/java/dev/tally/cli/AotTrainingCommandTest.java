package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code tally aot-training}, the workload the launcher records into the AOT cache: it runs the
 * gateway and the reading commands to the end, succeeds, cleans up after itself, and stays out of
 * the help an operator reads.
 */
class AotTrainingCommandTest {

    @Test
    void runsTheStartUpWorkloadAndLeavesNothingBehind() throws IOException {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> before = trainingDirs(temp);

        CliRun run = CliRun.withEnvironment(java.util.Map.of(), "aot-training");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(trainingDirs(temp)).isEqualTo(before);
    }

    @Test
    void isHiddenFromTheHelp() {
        CliRun help = CliRun.of("--help");

        assertThat(help.out()).contains("serve").doesNotContain("aot-training");
    }

    private static List<Path> trainingDirs(Path temp) throws IOException {
        try (Stream<Path> entries = Files.list(temp)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("tally-aot-training")).sorted().toList();
        }
    }
}
