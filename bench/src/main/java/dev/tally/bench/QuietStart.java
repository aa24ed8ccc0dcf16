package dev.tally.bench;

import dev.tally.audit.store.postgres.EmbeddedPostgresServer;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** What {@code bench/pg-ingest} waits for before each side's clock starts. */
final class QuietStart {

    private QuietStart() {
    }

    /**
     * Lets the server and this JVM go quiet before a side's clock starts: a server checkpoint, so
     * no side pays for writing out the pages an earlier side dirtied (or meets the checkpoint the
     * WAL they wrote would start); a collection, so no side inherits another's garbage; then a
     * wait (at most 5 s) until the JIT has compiled nothing for 200 ms. Opening a fresh database
     * runs Flyway, whose code the compiler would otherwise still be compiling on one of the two
     * cores during the first second of whichever side came next.
     */
    static void await(EmbeddedPostgresServer server) throws Exception {
        try (Connection c = DriverManager.getConnection(server.jdbcUrl("postgres"), server.user(), "");
                Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
        System.gc();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long deadline = System.nanoTime() + 5_000_000_000L;
        long last = jit.getTotalCompilationTime();
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
            long now = jit.getTotalCompilationTime();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
    }
}
