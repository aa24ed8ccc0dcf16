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
    void copiesTheSqliteLibraryOfThisMachineAndMakesTheStoreTemplate() throws Exception {
        CliRun run = CliRun.of("aot-training", "sqlite-library", "--dir", dir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder(System.mapLibraryName("sqlitejdbc"), AotTrainingCommand.STORE_TEMPLATE);
        }
        assertThat(java.nio.file.Files.size(dir.resolve(System.mapLibraryName("sqlitejdbc")))).isPositive();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(AotTrainingCommand.STORE_TEMPLATE));
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success = 1")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("made by Flyway, every migration in its history").isEqualTo(4);
        }
    }

    @Test
    void anUnknownWorkloadIsAUsageError() {
        CliRun run = CliRun.of("aot-training", "everything", "--dir", dir.toString());

        assertThat(run.exitCode()).isEqualTo(TallyCommand.USAGE);
        assertThat(run.err()).contains("'everything' (expected: serve, commands or sqlite-library)");
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
