package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/find-jdk.sh}, which {@code ./tally} and the bench scripts use, run by bash with
 * fake JDKs: a fake JDK is a directory whose {@code bin/java -version} prints a version line
 * like a real one, and whose {@code bin/javac} exists. The PATH holds only the tools the script
 * needs, so no real java on the machine can answer.
 */
class FindJdkScriptTest {

    private static final Path SCRIPT = Path.of("..", "scripts", "find-jdk.sh").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private Path home;
    private Path tools;

    @BeforeEach
    void sandbox() throws IOException {
        home = Files.createDirectories(dir.resolve("home"));
        tools = Files.createDirectories(dir.resolve("tools"));
        for (String tool : List.of("bash", "sed", "readlink", "dirname")) {
            Path real = List.of(Path.of("/usr/bin", tool), Path.of("/bin", tool)).stream()
                    .filter(Files::isExecutable).findFirst().orElseThrow();
            Files.createSymbolicLink(tools.resolve(tool), real);
        }
    }

    @Test
    void picksTheNewestJdkUnderTheUsualPlaces() throws Exception {
        fakeJdk(home.resolve(".jdks/old"), "17.0.9");
        fakeJdk(home.resolve(".jdks/newer"), "91.0.1");
        fakeJdk(home.resolve(".sdkman/candidates/java/new"), "90");

        Result result = run(Map.of());

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo(home.resolve(".jdks/newer").toString());
    }

    @Test
    void javaHomeWinsWhenItIsRecentEnough() throws Exception {
        Path chosen = fakeJdk(dir.resolve("chosen"), "21.0.2");
        fakeJdk(home.resolve(".jdks/newer"), "91");

        assertThat(run(Map.of("JAVA_HOME", chosen.toString())).out()).isEqualTo(chosen.toString());
    }

    @Test
    void anOldJavaHomeIsPassedOver() throws Exception {
        Path old = fakeJdk(dir.resolve("old"), "1.8.0_392");
        fakeJdk(home.resolve(".jdks/newer"), "91");

        assertThat(run(Map.of("JAVA_HOME", old.toString())).out()).isEqualTo(home.resolve(".jdks/newer").toString());
    }

    @Test
    void javaOnThePathIsUsedWhenRecentEnough() throws Exception {
        Path onPath = fakeJdk(dir.resolve("onpath"), "23-ea");
        Files.createSymbolicLink(tools.resolve("java"), onPath.resolve("bin/java"));
        fakeJdk(home.resolve(".jdks/newer"), "91");

        assertThat(run(Map.of()).out()).isEqualTo(onPath.toString());
    }

    @Test
    void noRecentJdkIsAClearError() throws Exception {
        fakeJdk(home.resolve(".jdks/old"), "17.0.9");

        Result result = run(Map.of("TALLY_MIN_JAVA", "200"));

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("no JDK 200 or newer found", "set JAVA_HOME");
    }

    private Path fakeJdk(Path jdk, String version) throws IOException {
        Path bin = Files.createDirectories(jdk.resolve("bin"));
        executable(bin.resolve("java"), "#!" + tools.resolve("bash") + "\necho 'openjdk version \"" + version
                + "\" 2026-01-20' >&2\necho 'OpenJDK Runtime Environment' >&2\n");
        executable(bin.resolve("javac"), "#!" + tools.resolve("bash") + "\nexit 0\n");
        return jdk;
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Result run(Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(tools.resolve("bash").toString(), SCRIPT.toString());
        builder.environment().clear();
        builder.environment().put("PATH", tools.toString());
        builder.environment().put("HOME", home.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), out, err);
    }

    private record Result(int code, String out, String err) {
    }
}
