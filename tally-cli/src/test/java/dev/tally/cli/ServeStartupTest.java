package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally serve} through its real entry point ({@code Main} in a child JVM) when it cannot
 * run: the port is taken, or the data directory cannot be written. It prints one line naming the
 * problem and the fix, exits 1, and creates nothing (no admin token, no store, no instance id).
 */
class ServeStartupTest {

    @TempDir
    Path dir;

    private record Exit(int code, List<String> lines) {
    }

    private Exit serve(Path config, Path data) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.tally.cli.Main", "serve", "--config", config.toString(), "--data", data.toString());
        builder.environment().remove("OPENAI_API_KEY");
        builder.environment().remove("ANTHROPIC_API_KEY");
        builder.environment().remove("TALLY_ADMIN_TOKEN");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        // A bound so a regression (a server that runs on) fails the test instead of hanging it.
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("tally serve did not exit; output:\n"
                    + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Exit(process.exitValue(), output.lines().toList());
    }

    private Path config(int port) throws IOException {
        Path config = dir.resolve("tally.yaml");
        Files.writeString(config, "server: {host: 127.0.0.1, port: " + port + "}\n");
        return config;
    }

    @Test
    void a_taken_port_is_one_line_exit_1_and_nothing_created() throws Exception {
        Path data = dir.resolve("data");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();

            Exit exit = serve(config(port), data);

            assertThat(exit.code()).isEqualTo(1);
            assertThat(exit.lines()).containsExactly(
                    "tally serve: server.port: " + port + " is in use (set server.port or stop the other process)");
            assertThat(data).doesNotExist();
        }
    }

    @Test
    void a_taken_port_leaves_an_existing_data_directory_as_it_was() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("notes.txt"), "kept\n");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

            Exit exit = serve(config(taken.getLocalPort()), data);

            assertThat(exit.code()).isEqualTo(1);
            assertThat(exit.lines()).hasSize(1);
            try (Stream<Path> files = Files.list(data)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("notes.txt");
            }
        }
    }

    @Test
    void a_data_directory_that_cannot_be_created_is_one_line_exit_1() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory\n");
        Path data = file.resolve("data");

        Exit exit = serve(config(0), data);

        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.lines()).containsExactly("tally serve: data directory: " + data.toAbsolutePath()
                + " cannot be created: " + file.toAbsolutePath() + " is not a directory (make it writable for this user, "
                + "or choose another with --data)");
        assertThat(Files.readString(file)).isEqualTo("not a directory\n");
    }

    @Test
    void a_data_directory_that_is_a_file_is_one_line_exit_1() throws Exception {
        Path file = Files.writeString(dir.resolve("data"), "x\n");

        Exit exit = serve(config(0), file);

        assertThat(exit.code()).isEqualTo(1);
        assertThat(exit.lines()).singleElement().asString().contains("data directory: " + file.toAbsolutePath() + " is not a directory");
    }
}
