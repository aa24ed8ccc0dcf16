package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which compiler {@code ./tally} gives a command: the launcher is run with a fake JDK whose
 * {@code java} prints the arguments it was given (no jar is built or run: {@code TALLY_NO_BUILD=1},
 * {@code TALLY_AOT=0}). Short commands, and {@code verify} with little to do, stop at C1
 * ({@code -XX:TieredStopAtLevel=1}); {@code serve} and {@code verify} of a large or unknown store
 * keep the full tiered compiler.
 */
class LauncherJitTest {

    private static final Path LAUNCHER = Path.of("..", "tally").toAbsolutePath().normalize();
    private static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    @TempDir
    Path dir;

    private Path jdk;

    @BeforeEach
    void fakeJdk() throws IOException {
        jdk = FakeJdk.printingArguments(dir.resolve("jdk"));
    }

    @Test
    void verifyOfASmallStoreStopsAtC1() throws Exception {
        Path data = store("small", 4096);

        assertThat(javaArgs("verify", "--data", data.toString())).contains(C1_ONLY);
        assertThat(javaArgs("verify", "--json", "--data=" + data)).contains(C1_ONLY);
    }

    @Test
    void verifyOfALargeStoreKeepsTheTieredCompiler() throws Exception {
        Path data = store("large", 65L * 1024 * 1024);

        assertThat(javaArgs("verify", "--data", data.toString())).doesNotContain(C1_ONLY);
    }

    @Test
    void verifyThroughAGatewayStopsAtC1AndOneFromAConfigDoesNot() throws Exception {
        Path data = store("small", 4096);

        assertThat(javaArgs("verify", "--url", "http://127.0.0.1:9")).contains(C1_ONLY);
        assertThat(javaArgs("verify", "--config", dir.resolve("tally.yaml").toString(), "--data", data.toString()))
                .doesNotContain(C1_ONLY);
        assertThat(javaArgs("verify", "--data", dir.resolve("missing").toString())).doesNotContain(C1_ONLY);
    }

    @Test
    void shortCommandsStopAtC1AndServeDoesNot() throws Exception {
        assertThat(javaArgs("logs", "--data", dir.toString())).contains(C1_ONLY);
        assertThat(javaArgs("--version")).contains(C1_ONLY);
        assertThat(javaArgs("serve", "--data", dir.toString())).doesNotContain(C1_ONLY);
    }

    /** A data directory whose tally.db has {@code size} bytes (sparse: nothing is written). */
    private Path store(String name, long size) throws IOException {
        Path data = Files.createDirectories(dir.resolve(name));
        try (RandomAccessFile file = new RandomAccessFile(data.resolve("tally.db").toFile(), "rw")) {
            file.setLength(size);
        }
        return data;
    }

    private List<String> javaArgs(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", jdk.toString());
        builder.environment().put("TALLY_NO_BUILD", "1");
        builder.environment().put("TALLY_AOT", "0");
        builder.environment().remove("TALLY_JAVA_OPTS");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines).as("the launcher ran the jar").contains("-jar");
        return lines;
    }
}
