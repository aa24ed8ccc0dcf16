package dev.tally.bench;

import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * CPU time used so far by this JVM plus the whole embedded PostgreSQL server (Linux only, from
 * {@code /proc}): the postmaster's own time and that of the children it has reaped (its
 * {@code cutime}/{@code cstime}), plus every live child's. So a backend that exits between two
 * readings still counts. CPU time is what neighbours on a shared machine disturb least, so two
 * ways of writing the same rows are best compared by it. Not thread-safe.
 */
final class CpuMeter {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final long postmaster;

    CpuMeter(EmbeddedPostgresServer server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), "");
                Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            this.postmaster = Long.parseLong(fields(rs.getLong(1))[1]); // a backend's parent
        }
    }

    /** CPU nanoseconds of this JVM and the server since they started. */
    long nanos() throws IOException {
        String[] own = fields(postmaster);
        long ticks = Long.parseLong(own[11]) + Long.parseLong(own[12]) + Long.parseLong(own[13])
                + Long.parseLong(own[14]);
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                try {
                    String[] f = fields(Long.parseLong(proc.getFileName().toString()));
                    if (Long.parseLong(f[1]) == postmaster) {
                        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile: a child's time is then in the postmaster's cutime
                }
            }
        }
        return ticks * (1_000_000_000L / TICKS_PER_SECOND) + jvmNanos();
    }

    /** CPU nanoseconds of this JVM alone since it started (every thread, the JIT and GC included). */
    static long jvmNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The fields of {@code /proc/<pid>/stat} after the command: [0] state, [1] ppid, ... [11] utime. */
    private static String[] fields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }
}
