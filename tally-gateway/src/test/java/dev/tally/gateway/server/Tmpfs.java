package dev.tally.gateway.server;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A real, small tmpfs mounted over a test directory (needs root), and a filler file that takes
 * every free byte of it: the whole data directory on a full filesystem. Not thread-safe.
 */
final class Tmpfs implements AutoCloseable {

    private final Path dir;
    private final Path filler;

    private Tmpfs(Path dir) {
        this.dir = dir;
        this.filler = dir.resolve("filler");
    }

    /** Whether this process runs as root (mounting needs it). */
    static boolean root() {
        try {
            return "0".equals(run("id", "-u").strip());
        } catch (IOException e) {
            return false;
        }
    }

    /** Mounts a tmpfs of {@code megabytes} over {@code dir}; throws when mount fails (callers assume it away). */
    static Tmpfs mount(Path dir, int megabytes) throws IOException {
        Files.createDirectories(dir);
        run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", dir.toString());
        return new Tmpfs(dir);
    }

    Path dir() {
        return dir;
    }

    /** Writes zeros into the filler file until the filesystem says ENOSPC; returns the bytes written. */
    long fill() throws IOException {
        byte[] chunk = new byte[256 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            while (true) {
                out.write(chunk);
                written += chunk.length;
            }
        } catch (IOException full) {
            // ENOSPC: the filesystem is full; a smaller last write may still fit
        }
        try (OutputStream out = Files.newOutputStream(filler, StandardOpenOption.APPEND)) {
            for (int i = 0; i < 4096; i++) {
                out.write(new byte[1024]);
                written += 1024;
            }
        } catch (IOException full) {
            // now really full
        }
        return written;
    }

    /** Deletes the filler: the space comes back. */
    void empty() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** Unmounts (lazily, so a file still open does not keep the mount). */
    @Override
    public void close() throws IOException {
        run("umount", "-l", dir.toString());
    }

    private static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.strip());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command[0], e);
        } finally {
            p.destroyForcibly();
        }
    }
}
