package dev.tally.audit.store.sqlite;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

/**
 * Copies the WAL back into the database file every {@link #INTERVAL_MS} ms on its own thread
 * and connection, so the writer's commits do not pay for checkpoints (the page copies and the
 * fsyncs). Checkpoints are {@code PASSIVE}: they never wait for, or block, readers or the
 * writer. If this thread falls behind (or fails), the writer's own auto-checkpoint at
 * {@link #WRITER_BACKSTOP_PAGES} pages takes over, so the WAL stays bounded either way.
 * Failures are logged, never thrown: a late checkpoint loses nothing, it only lets the WAL grow.
 *
 * <p>Thread-safe: {@link #close} may be called from any thread; it returns once the thread ended.
 */
final class WalCheckpointer implements AutoCloseable {

    static final long INTERVAL_MS = 100;
    /** The writer checkpoints by itself once the WAL holds this many pages (about 64 MiB). */
    static final int WRITER_BACKSTOP_PAGES = 16_384;
    /** After a checkpoint, a WAL that grew beyond this is truncated back to it. */
    static final long WAL_SIZE_LIMIT_BYTES = 64L << 20;

    private static final System.Logger LOG = System.getLogger(WalCheckpointer.class.getName());

    private final Connection connection;
    private final String file;
    private final Thread thread;
    private volatile boolean running = true;
    private long failures; // only touched by the checkpointer thread

    private WalCheckpointer(Connection connection, String file) {
        this.connection = connection;
        this.file = file;
        this.thread = Thread.ofPlatform().daemon().name("tally-sqlite-checkpoint").unstarted(this::run);
    }

    static WalCheckpointer start(String url, String file) throws SQLException {
        Connection connection = DriverManager.getConnection(url);
        try (Statement s = connection.createStatement()) {
            s.execute("PRAGMA busy_timeout = 1000");
        }
        WalCheckpointer checkpointer = new WalCheckpointer(connection, file);
        checkpointer.thread.start();
        return checkpointer;
    }

    private void run() {
        while (running) {
            try {
                TimeUnit.MILLISECONDS.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                break;
            }
            checkpoint();
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "sqlite: closing the checkpoint connection of " + file + " failed: "
                    + e.getMessage());
        }
    }

    private void checkpoint() {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            rs.next();
        } catch (SQLException e) {
            failures++;
            // Once per 100 failures at most, so a stuck store does not flood the log.
            if (failures % 100 == 1) {
                LOG.log(System.Logger.Level.WARNING, "sqlite: WAL checkpoint of " + file + " failed (" + failures
                        + " so far, the writer's auto-checkpoint covers): " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
