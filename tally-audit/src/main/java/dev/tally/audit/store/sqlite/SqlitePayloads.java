package dev.tally.audit.store.sqlite;

import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.store.StoredPayload;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code payloads} table: kept request and response bodies, one row per call record, inserted
 * in the record's transaction. A second payload for the same call id is ignored (the first kept
 * wins), like a replayed write.
 *
 * <p>Not thread-safe: the writer side is used under the store's writer lock; {@link #read} takes
 * its own connection.
 */
final class SqlitePayloads implements AutoCloseable {

    private final PreparedStatement insert;

    SqlitePayloads(Connection connection) throws SQLException {
        insert = connection.prepareStatement("INSERT INTO payloads (call_id, mode, request, response, "
                + "request_sha256, response_sha256, truncated, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (call_id) DO NOTHING");
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
            if (!callIds.contains(p.callId())) {
                throw new IllegalArgumentException("payloads: call_id " + p.callId()
                        + " (expected: the id of a call record in the same batch)");
            }
            insert.setString(1, p.callId());
            insert.setString(2, p.mode().name().toLowerCase(Locale.ROOT));
            insert.setString(3, p.request());
            insert.setString(4, p.response());
            insert.setString(5, p.requestSha256());
            insert.setString(6, p.responseSha256());
            insert.setInt(7, p.truncated() ? 1 : 0);
            insert.setLong(8, p.createdAt().toEpochMilli());
            insert.addBatch();
        }
        insert.executeBatch();
    }

    /**
     * Deletes at most {@code limit} payloads made before {@code beforeMs} (epoch ms) on the
     * writer connection {@code c}, inside the caller's transaction; returns how many. The
     * {@code payloads_created_ts} index finds them oldest first.
     */
    static int deleteBefore(Connection c, long beforeMs, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM payloads WHERE rowid IN (SELECT rowid FROM "
                + "payloads WHERE created_ts < ? ORDER BY created_ts LIMIT ?)")) {
            s.setLong(1, beforeMs);
            s.setInt(2, limit);
            return s.executeUpdate();
        }
    }

    /** The payload of {@code callId} on connection {@code c}. */
    static Optional<StoredPayload> read(Connection c, String callId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT mode, request, response, request_sha256, "
                + "response_sha256, truncated, created_ts FROM payloads WHERE call_id = ?")) {
            s.setString(1, callId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredPayload(callId, PayloadMode.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6) != 0,
                        Instant.ofEpochMilli(rs.getLong(7))));
            }
        }
    }

    @Override
    public void close() throws SQLException {
        insert.close();
    }
}
