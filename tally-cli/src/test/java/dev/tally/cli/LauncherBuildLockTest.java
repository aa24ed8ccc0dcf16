package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code ./tally} started at once on sources newer than the jar: the launcher (copied, with
 * {@code scripts/find-jdk.sh}, into a checkout of its own whose {@code mvnw} is a fake that takes a
 * second to "build" the jar and notes when it starts and ends) builds once, the second launcher
 * waiting for the first's build instead of writing over it. The JDK is a fake whose {@code java}
 * prints its arguments; the start-up caches are off ({@code TALLY_AOT=0}).
 */
class LauncherBuildLockTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path root;

    @Test
    void twoLaunchersAtOnceBuildTheJarOnce() throws Exception {
        Path jdk = FakeJdk.printingArguments(root.resolve("jdk"));
        Files.createDirectories(root.resolve("scripts"));
        Files.copy(REPOSITORY.resolve("tally"), root.resolve("tally"));
        Files.copy(REPOSITORY.resolve("scripts/find-jdk.sh"), root.resolve("scripts/find-jdk.sh"));
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        for (String module : List.of("tally-audit", "tally-gateway", "tally-cli")) {
            Files.createDirectories(root.resolve(module).resolve("src/main"));
            Files.writeString(root.resolve(module).resolve("pom.xml"), "<project/>");
        }
        Path builds = root.resolve("builds.log");
        FakeJdk.executable(root.resolve("mvnw"), "#!/bin/bash\necho start >>" + builds + "\nsleep 1\n"
                + "mkdir -p tally-cli/target && echo jar >tally-cli/target/tally.jar\necho end >>" + builds + "\n");

        List<Process> launchers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("tally").toString(), "--version")
                    .redirectErrorStream(true);
            builder.environment().put("JAVA_HOME", jdk.toString());
            builder.environment().put("TALLY_AOT", "0");
            builder.environment().remove("TALLY_NO_BUILD");
            builder.environment().remove("TALLY_JAVA_OPTS");
            launchers.add(builder.start());
        }
        for (Process launcher : launchers) {
            String out = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(launcher.exitValue()).as(out).isZero();
            assertThat(out.lines()).as("the jar ran").contains("-jar", "--version");
        }

        assertThat(Files.readAllLines(builds)).as("one build, not two interleaved").containsExactly("start", "end");
    }
}
