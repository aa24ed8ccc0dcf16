package dev.tally.audit.store.postgres;

import dev.tally.audit.store.RateLeases;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * {@link RateLeases} on the {@code rate_buckets} table (schema version 4): ONE upsert per
 * lease, in autocommit, so the row is locked only for that statement and no instance waits on
 * another's transaction. The statement refills the bucket for the time since its last refill,
 * takes the grant and stores it in {@code last_grant}, which it returns; PostgreSQL evaluates
 * every {@code SET} expression against the old row, so the refilled level is written out in
 * full where it is used. Concurrent leases of one bucket serialize on its row lock, and each
 * sees the row the previous one left (read committed re-evaluates the conflict row), so grants
 * never add up to more than the bucket held. Arithmetic as in the gateway's in-memory bucket:
 * level in units of 1/60,000, at most one minute of refill at a time.
 *
 * <p>Thread-safe: each lease runs on its own pooled connection.
 */
final class PostgresRateLeases implements RateLeases {

    private static final long SCALE = 60_000L;
    /** The level after refilling: {@code LEAST(cap, level + LEAST(GREATEST(0, now - refilled_at), 60000) * limit)}. */
    private static final String REFILLED = "LEAST(?::bigint, b.level + LEAST(GREATEST(0, ?::bigint - b.refilled_at), "
            + SCALE + ") * ?::bigint)";
    /** What the lease takes: {@code LEAST(units, refilled / 60000)} (whole units; the level is never negative). */
    private static final String GRANT = "LEAST(?::bigint, " + REFILLED + " / " + SCALE + ")";
    private static final String LEASE = "INSERT INTO rate_buckets AS b (key_id, limit_name, level, refilled_at, "
            + "last_grant) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key_id, limit_name) DO UPDATE SET "
            + "last_grant = " + GRANT + ", "
            + "level = " + REFILLED + " - " + GRANT + " * " + SCALE + ", "
            + "refilled_at = GREATEST(b.refilled_at, excluded.refilled_at) "
            + "RETURNING last_grant";

    private final PostgresPool pool;

    PostgresRateLeases(PostgresPool pool) {
        this.pool = pool;
    }

    @Override
    public long lease(String keyId, String limitName, long perMinute, long units, long nowMillis) {
        if (!REQUESTS.equals(limitName) && !TOKENS.equals(limitName)) {
            throw new IllegalArgumentException("limit: '" + limitName + "' (expected: requests or tokens)");
        }
        long most = Long.MAX_VALUE / (2 * SCALE);
        if (perMinute < 1 || perMinute > most) {
            throw new IllegalArgumentException("per_minute: " + perMinute + " (expected: 1.." + most + ")");
        }
        if (units < 1) {
            throw new IllegalArgumentException("units: " + units + " (expected: at least 1)");
        }
        long cap = perMinute * SCALE;
        long firstGrant = Math.min(units, perMinute);
        return pool.work("rate lease", c -> {
            try (PreparedStatement s = c.prepareStatement(LEASE)) {
                int i = 1;
                s.setString(i++, keyId);
                s.setString(i++, limitName);
                s.setLong(i++, cap - firstGrant * SCALE); // a new bucket starts full
                s.setLong(i++, nowMillis);
                s.setLong(i++, firstGrant);
                i = grant(s, i, units, cap, nowMillis, perMinute); // last_grant
                i = refilled(s, i, cap, nowMillis, perMinute); // level =
                grant(s, i, units, cap, nowMillis, perMinute); // - grant
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static int grant(PreparedStatement s, int i, long units, long cap, long now, long perMinute)
            throws SQLException {
        s.setLong(i++, units);
        return refilled(s, i, cap, now, perMinute);
    }

    private static int refilled(PreparedStatement s, int i, long cap, long now, long perMinute) throws SQLException {
        s.setLong(i++, cap);
        s.setLong(i++, now);
        s.setLong(i++, perMinute);
        return i;
    }
}
