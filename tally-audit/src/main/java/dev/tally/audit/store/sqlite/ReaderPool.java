package dev.tally.audit.store.sqlite;

import dev.tally.audit.store.StoreException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Read-only connections to one SQLite file, handed out one per running query. In WAL mode a
 * reader sees the last commit before its statement (or transaction) began and never blocks the
 * writer, nor is blocked by it. Connections are opened on demand; up to {@link #MAX_IDLE} idle
 * ones are kept. Thread-safe.
 */
final class ReaderPool implements AutoCloseable {

    static final int MAX_IDLE = 4;

    private final String url;
    private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();
    private final List<Connection> all = new ArrayList<>(); // guarded by this
    private boolean closed; // guarded by this

    ReaderPool(String url) {
        this.url = url;
    }

    /** Runs {@code work} on a reader connection; returns when the work has returned. */
    <T> T read(String what, SqlWork<T> work) {
        Connection connection = borrow();
        boolean healthy = false;
        try {
            T result = work.run(connection);
            healthy = true;
            return result;
        } catch (SQLException e) {
            throw new StoreException("sqlite: " + what + " failed: " + e.getMessage(), e);
        } finally {
            giveBack(connection, healthy);
        }
    }

    private Connection borrow() {
        Connection connection = idle.poll();
        if (connection != null) {
            return connection;
        }
        try {
            Connection fresh = DriverManager.getConnection(url);
            try (Statement s = fresh.createStatement()) {
                s.execute("PRAGMA busy_timeout = 10000");
                s.execute("PRAGMA query_only = 1");
            }
            synchronized (this) {
                if (closed) {
                    fresh.close();
                    throw new StoreException("sqlite: store is closed");
                }
                all.add(fresh);
            }
            return fresh;
        } catch (SQLException e) {
            throw new StoreException("sqlite: cannot open a reader: " + e.getMessage(), e);
        }
    }

    private void giveBack(Connection connection, boolean healthy) {
        try {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            healthy = false;
        }
        synchronized (this) {
            if (!closed && healthy && idle.size() < MAX_IDLE) {
                idle.offer(connection);
                return;
            }
            all.remove(connection);
        }
        closeQuietly(connection);
    }

    @Override
    public void close() {
        List<Connection> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(all);
            all.clear();
            idle.clear();
        }
        toClose.forEach(ReaderPool::closeQuietly);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Closing a read-only connection loses nothing.
        }
    }
}
