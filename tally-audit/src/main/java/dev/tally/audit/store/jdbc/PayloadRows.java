package dev.tally.audit.store.jdbc;

import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.store.StoredPayload;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code payloads} table, the same in both stores: kept request and response bodies, one row
 * per call record, inserted in the record's transaction; a second payload for the same call id is
 * ignored (the first kept wins), like a replayed write. Part of the JDBC core; not API. Stateless.
 */
public final class PayloadRows {

    /** The insert, parameters bound by {@link #add}. */
    public static final String INSERT = "INSERT INTO payloads (call_id, mode, request, response, request_sha256, "
            + "response_sha256, truncated, created_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO NOTHING";

    private PayloadRows() {
    }

    /**
     * Adds {@code p} to the batch of {@code insert} (a statement of {@link #INSERT}).
     *
     * @throws IllegalArgumentException when {@code p} belongs to none of {@code callIds}, the call
     *     records of the same batch
     */
    public static void add(PreparedStatement insert, StoredPayload p, Set<String> callIds) throws SQLException {
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
        insert.setBoolean(7, p.truncated());
        insert.setLong(8, p.createdAt().toEpochMilli());
        insert.addBatch();
    }

    /** The kept payload of {@code callId} on connection {@code c}. */
    public static Optional<StoredPayload> read(Connection c, String callId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT mode, request, response, request_sha256, "
                + "response_sha256, truncated, created_ts FROM payloads WHERE call_id = ?")) {
            s.setString(1, callId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredPayload(callId, PayloadMode.valueOf(rs.getString(1).toUpperCase(Locale.ROOT)),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getBoolean(6),
                        Instant.ofEpochMilli(rs.getLong(7))));
            }
        }
    }
}
