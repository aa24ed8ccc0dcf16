package dev.tally.audit.store.sqlite;

import dev.tally.audit.store.StoredPayload;
import dev.tally.audit.store.jdbc.PayloadRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * The writer's side of the shared {@link PayloadRows}: the insert prepared once on the writer
 * connection. Not thread-safe: used under the store's writer lock.
 */
final class SqlitePayloads implements AutoCloseable {

    private final PreparedStatement insert;

    SqlitePayloads(Connection connection) throws SQLException {
        insert = connection.prepareStatement(PayloadRows.INSERT);
    }

    /**
     * Inserts {@code payloads}, each of which must belong to one of {@code callIds} (the call
     * records of the same batch).
     */
    void insert(List<StoredPayload> payloads, Set<String> callIds) throws SQLException {
        if (payloads.isEmpty()) {
            return;
        }
        for (StoredPayload p : payloads) {
            PayloadRows.add(insert, p, callIds);
        }
        insert.executeBatch();
    }

    @Override
    public void close() throws SQLException {
        insert.close();
    }
}
