package dev.tally.audit.store.sqlite;

import dev.tally.audit.store.jdbc.AdminWrites;
import dev.tally.audit.store.jdbc.Dialect;
import java.sql.Connection;

/**
 * The shared {@link AdminWrites} in the SQLite dialect, as {@link SqliteWriter} applies admin
 * changes on its connection: a prune deletes the chain's entries (with their tag rows and kept
 * payloads) through the anchor's seq and the checkpoints before it, which the anchor replaces;
 * rollups stay. Not thread-safe.
 */
final class SqliteAdmin extends AdminWrites implements AutoCloseable {

    SqliteAdmin(Connection connection) {
        super(connection, Dialect.SQLITE);
    }

    @Override
    public void close() {
        // Statements are prepared per change; nothing is held.
    }
}
