package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally serve} (its real entry point, {@code Main} in a child JVM) when the data directory
 * lies on a filesystem that refuses writes although every permission allows them: full, out of
 * inodes, or mounted read-only. Each is one line naming the problem and the fix, exit 1, and
 * nothing left behind. Real tmpfs mounts (root only; skipped otherwise), unmounted in a finally.
 */
class ServeFullFilesystemStartupTest {

    @TempDir
    Path dir;

    private record Exit(int code, List<String> lines) {
    }

    private Exit serve(Path data) throws IOException, InterruptedException {
        Path config = dir.resolve("tally.yaml");
        Files.writeString(config, "server: {host: 127.0.0.1, port: 0}\n");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.tally.cli.Main", "serve", "--config", config.toString(), "--data", data.toString());
        builder.environment().remove("TALLY_ADMIN_TOKEN");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("tally serve did not exit; output:\n"
                    + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return new Exit(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList());
    }

    /** Mounts a tmpfs with {@code options} over {@code mountPoint}; skips the test when that is not possible. */
    private static void mount(Path mountPoint, String options) throws IOException, InterruptedException {
        assumeTrue(run("id", "-u").strip().equals("0"), "mounting a tmpfs needs root");
        Files.createDirectories(mountPoint);
        String out = run("mount", "-t", "tmpfs", "-o", options, "tmpfs", mountPoint.toString());
        assumeTrue(isMounted(mountPoint), "cannot mount a tmpfs here: " + out);
    }

    private static boolean isMounted(Path mountPoint) throws IOException {
        return Files.readAllLines(Path.of("/proc/mounts")).stream().anyMatch(l -> l.split(" ")[1].equals(mountPoint.toString()));
    }

    private static void unmount(Path mountPoint) throws IOException, InterruptedException {
        if (isMounted(mountPoint)) {
            run("umount", "-l", mountPoint.toString());
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> files = Files.list(d)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void a_data_directory_on_a_full_filesystem_is_one_line_exit_1_and_nothing_created() throws Exception {
        Path mnt = dir.resolve("full");
        mount(mnt, "size=2m");
        try {
            try (OutputStream out = Files.newOutputStream(mnt.resolve("filler"), StandardOpenOption.CREATE)) {
                while (true) {
                    out.write(new byte[4096]);
                }
            } catch (IOException full) {
                // ENOSPC: the filesystem is full
            }
            Path data = mnt.resolve("data");

            Exit exit = serve(data);

            assertThat(exit.code()).isEqualTo(1);
            assertThat(exit.lines()).singleElement().asString()
                    .startsWith("tally serve: data directory: " + data + " cannot be written: IOException No space left on device in "
                            + mnt)
                    .endsWith("(free space or inodes on its filesystem, or choose another with --data)");
            assertThat(names(mnt)).containsExactly("filler");
        } finally {
            unmount(mnt);
        }
    }

    @Test
    void a_data_directory_set_up_before_the_disk_filled_is_one_line_exit_1_not_a_store_error() throws Exception {
        Path mnt = dir.resolve("refill");
        mount(mnt, "size=16m");
        try {
            Path data = mnt.resolve("data");
            startAndStop(data);
            try (OutputStream out = Files.newOutputStream(mnt.resolve("filler"), StandardOpenOption.CREATE)) {
                while (true) {
                    out.write(new byte[4096]);
                }
            } catch (IOException full) {
                // ENOSPC: the filesystem is full
            }
            List<String> before = names(data);

            // SQLite could not open the store anyway (it creates its -shm file on open): without the
            // write check this was "unexpected error: ... SQLITE_IOERR_SHMSIZE".
            Exit exit = serve(data);

            assertThat(exit.code()).isEqualTo(1);
            assertThat(exit.lines()).singleElement().asString()
                    .startsWith("tally serve: data directory: " + data + " cannot be written: IOException No space left on device");
            assertThat(names(data)).isEqualTo(before);
        } finally {
            unmount(mnt);
        }
    }

    /** Starts {@code tally serve} on {@code data}, waits for its banner, and stops it with SIGTERM. */
    private void startAndStop(Path data) throws Exception {
        Path config = dir.resolve("tally.yaml");
        Files.writeString(config, "server: {host: 127.0.0.1, port: 0}\n");
        ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.tally.cli.Main", "serve", "--config", config.toString(), "--data", data.toString());
        builder.environment().put("TALLY_ADMIN_TOKEN", "tadm-full-filesystem-start-0001");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String first = lines.readLine();
            assertThat(first).as("the first line of tally serve").startsWith("tally listening on http://127.0.0.1:");
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void a_data_directory_on_a_filesystem_out_of_inodes_is_one_line_exit_1() throws Exception {
        Path mnt = dir.resolve("inodes");
        mount(mnt, "size=8m,nr_inodes=3");
        try {
            for (int i = 0; ; i++) {
                try {
                    Files.createFile(mnt.resolve("f" + i));
                } catch (IOException noInodeLeft) {
                    break;
                }
            }
            List<String> before = names(mnt);
            Path data = mnt.resolve("data");

            Exit exit = serve(data);

            assertThat(exit.code()).isEqualTo(1);
            assertThat(exit.lines()).singleElement().asString()
                    .startsWith("tally serve: data directory: " + data + " cannot be written: ")
                    .contains("No space left on device");
            assertThat(names(mnt)).isEqualTo(before);
        } finally {
            unmount(mnt);
        }
    }

    @Test
    void a_data_directory_on_a_read_only_filesystem_is_one_line_exit_1() throws Exception {
        Path mnt = dir.resolve("ro");
        mount(mnt, "size=2m,ro");
        try {
            Path data = mnt.resolve("data");

            Exit exit = serve(data);

            assertThat(exit.code()).isEqualTo(1);
            assertThat(exit.lines()).containsExactly("tally serve: data directory: " + data + " cannot be created: " + mnt
                    + " is not writable (make it writable for this user, or choose another with --data)");
            assertThat(names(mnt)).isEmpty();
        } finally {
            unmount(mnt);
        }
    }
}
