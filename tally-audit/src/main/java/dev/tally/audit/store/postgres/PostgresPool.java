package dev.tally.audit.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tally.audit.store.StoreException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL store's connections: a HikariCP pool and the two ways the store uses a pooled
 * connection, auto-commit work and a read-only snapshot. SQL faults become {@link StoreException}s
 * that name the operation and the server (never a password). A pooled connection waits at most
 * 5 s for the server, so a store that is down fails fast and the recorder spills.
 *
 * <p>Thread-safe.
 */
final class PostgresPool implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PostgresPool.class.getName());

    private final HikariDataSource pool;
    private final String where;
    private volatile boolean closed;

    private PostgresPool(HikariDataSource pool, String where) {
        this.pool = pool;
        this.where = where;
    }

    /**
     * Opens the pool and its first connection.
     *
     * @throws StoreException when the server cannot be reached or refuses the login
     */
    static PostgresPool open(PostgresOptions options) {
        String where = options.jdbcUrl().replaceFirst("\\?.*", "").substring("jdbc:".length());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(options.jdbcUrl());
        if (options.user() != null) {
            config.setUsername(options.user());
        }
        if (options.password() != null) {
            config.setPassword(options.password());
        }
        config.setPoolName("tally-postgres");
        config.setMaximumPoolSize(options.poolSize());
        config.setMinimumIdle(1);
        config.setConnectionTimeout(5_000);
        config.setValidationTimeout(2_000);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        config.addDataSourceProperty("ApplicationName", "tally");
        config.addDataSourceProperty("connectTimeout", "5");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        try {
            return new PostgresPool(new HikariDataSource(config), where);
        } catch (RuntimeException e) {
            throw new StoreException("postgresql: cannot connect to " + where + ": " + rootMessage(e), e);
        }
    }

    /** Where the store is, for messages: {@code postgresql://host:port/db}. */
    String where() {
        return where;
    }

    /** The pool itself, for schema migration. */
    HikariDataSource dataSource() {
        return pool;
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode. */
    <T> T work(String what, Work<T> work) {
        if (closed) {
            throw new StoreException("postgresql: " + what + " on closed store " + where);
        }
        try (Connection c = pool.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException("postgresql: " + what + " failed on " + where + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one read-only repeatable-read transaction: one snapshot, streamed cursors. */
    <T> T inTransaction(String what, Work<T> work) {
        return work(what, c -> {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
                return work.run(c);
            } finally {
                rollbackQuietly(c);
                c.setAutoCommit(true);
            }
        });
    }

    /** Rolls back, logging (not throwing) a failure: the caller is already handling one. */
    void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "postgresql: rollback on " + where + " failed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        pool.close();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
