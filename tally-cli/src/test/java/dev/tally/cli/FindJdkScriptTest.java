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
 * fake JDKs: a fake JDK is a directory with a {@code release} file naming its version, like a
 * real one, a {@code bin/javac}, and a {@code bin/java} that leaves a mark when it is run, so a
 * test sees that the search read files instead of starting JVMs. A fake JDK without a
 * {@code release} file has a {@code bin/java -version} that prints a version line. The PATH holds
 * only the tools the script needs, so no real java on the machine can answer.
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
        for (String tool : List.of("bash", "readlink", "dirname")) {
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
        assertThat(javaRuns()).as("versions come from release files, no java is started").isEmpty();
    }

    @Test
    void aJdkWithoutAReleaseFileIsAskedForItsVersion() throws Exception {
        fakeJdk(home.resolve(".jdks/listed"), "21.0.4");
        Path bare = fakeJdkWithoutRelease(home.resolve(".jdks/bare"), "92.0.1");

        Result result = run(Map.of());

        assertThat(result.out()).as(result.err()).isEqualTo(bare.toString());
        assertThat(javaRuns()).containsExactly(bare.toString());
    }

    @Test
    void aReleaseFileWithoutAVersionFallsBackToJava() throws Exception {
        Path jdk = fakeJdkWithoutRelease(home.resolve(".jdks/odd"), "93");
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Someone\"\n");

        assertThat(run(Map.of()).out()).isEqualTo(jdk.toString());
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

    /** A JDK as shipped: its version in {@code release}; its java only leaves a mark. */
    private Path fakeJdk(Path jdk, String version) throws IOException {
        Path bin = Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Fake\"\nJAVA_RUNTIME_VERSION=\"" + version
                + "+1\"\nJAVA_VERSION=\"" + version + "\"\nOS_NAME=\"Linux\"\n");
        executable(bin.resolve("java"), "#!" + tools.resolve("bash") + "\necho '" + jdk + "' >> '" + marks()
                + "'\nexit 1\n");
        executable(bin.resolve("javac"), "#!" + tools.resolve("bash") + "\nexit 0\n");
        return jdk;
    }

    /** A JDK with no {@code release} file: its java prints a version line and leaves a mark. */
    private Path fakeJdkWithoutRelease(Path jdk, String version) throws IOException {
        Path bin = Files.createDirectories(jdk.resolve("bin"));
        executable(bin.resolve("java"), "#!" + tools.resolve("bash") + "\necho '" + jdk + "' >> '" + marks()
                + "'\necho 'openjdk version \"" + version + "\" 2026-01-20' >&2\necho 'OpenJDK Runtime Environment' >&2\n");
        executable(bin.resolve("javac"), "#!" + tools.resolve("bash") + "\nexit 0\n");
        return jdk;
    }

    private Path marks() {
        return dir.resolve("java-runs.txt");
    }

    /** The homes whose java was run, in order. */
    private List<String> javaRuns() throws IOException {
        return Files.exists(marks()) ? Files.readAllLines(marks()) : List.of();
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
