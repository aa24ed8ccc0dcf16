package dev.tally.audit.store.postgres;

import dev.tally.audit.store.StoredPayload;
import dev.tally.audit.store.jdbc.PayloadRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/** The writer's side of the shared {@link PayloadRows} on a pooled connection. Stateless. */
final class PostgresPayloads {

    private PostgresPayloads() {
    }

    /** Inserts {@code payloads}, each of which must belong to one of {@code callIds} (the batch's call records). */
    static void insert(Connection c, List<StoredPayload> payloads, Set<String> callIds) throws SQLException {
        if (payloads.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = c.prepareStatement(PayloadRows.INSERT)) {
            for (StoredPayload p : payloads) {
                PayloadRows.add(insert, p, callIds);
            }
            insert.executeBatch();
        }
    }
}
