package dev.tally.audit.alert;

import dev.tally.audit.json.Json;
import dev.tally.audit.keys.VirtualKey.BudgetPeriod;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of {@link AlertOutbox}, the same on SQLite and PostgreSQL except that PostgreSQL
 * selects the rows to lease {@code FOR UPDATE SKIP LOCKED} (two instances claiming at once take
 * different rows instead of waiting for each other); SQLite has one writer at a time anyway.
 * Each claim is one {@code UPDATE ... RETURNING} whose condition re-checks that the row is
 * pending, due and not leased, so a row is never leased twice. Outcomes are written only
 * {@code WHERE lease_owner = ?}: an instance whose lease expired (e.g. it stalled) cannot
 * overwrite what another recorded since. Stateless.
 */
public final class AlertRows {

    private static final String COLUMNS = "id, budget, kind, subject, period, period_start, threshold, budget_micros, "
            + "spent_micros, crossed_at, record_id, state, attempts, next_attempt_at, last_error, finished_at";

    private AlertRows() {
    }

    /** See {@link AlertOutbox#claimAlerts}: one statement, atomic on its own. */
    public static List<BudgetAlert> claim(Connection c, boolean skipLocked, String owner, Instant now, Duration lease,
            int max) throws SQLException {
        String sql = "UPDATE budget_alerts SET lease_owner = ?, lease_until = ? WHERE id IN (SELECT id FROM budget_alerts "
                + "WHERE state = 'pending' AND next_attempt_at <= ? AND lease_until <= ? ORDER BY next_attempt_at, id "
                + "LIMIT ?" + (skipLocked ? " FOR UPDATE SKIP LOCKED" : "") + ") AND state = 'pending' "
                + "AND lease_until <= ? RETURNING " + COLUMNS;
        long at = now.toEpochMilli();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, owner);
            s.setLong(2, at + lease.toMillis());
            s.setLong(3, at);
            s.setLong(4, at);
            s.setInt(5, max);
            s.setLong(6, at);
            return read(s);
        }
    }

    /** See {@link AlertOutbox#alertDelivered}. */
    public static boolean delivered(Connection c, String id, String owner, int attempts, Instant at)
            throws SQLException {
        return finish(c, id, owner, "delivered", attempts, at, null);
    }

    /** See {@link AlertOutbox#alertFailed}. */
    public static boolean failed(Connection c, String id, String owner, int attempts, Instant at, String error)
            throws SQLException {
        return finish(c, id, owner, "failed", attempts, at, error);
    }

    /** See {@link AlertOutbox#alertRetry}. */
    public static boolean retry(Connection c, String id, String owner, int attempts, Instant next, String error)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE budget_alerts SET attempts = ?, next_attempt_at = ?, "
                + "last_error = ?, lease_owner = NULL, lease_until = 0 WHERE id = ? AND lease_owner = ? "
                + "AND state = 'pending'")) {
            s.setInt(1, attempts);
            s.setLong(2, next.toEpochMilli());
            s.setString(3, error);
            s.setString(4, id);
            s.setString(5, owner);
            return s.executeUpdate() == 1;
        }
    }

    private static boolean finish(Connection c, String id, String owner, String state, int attempts, Instant at,
            String error) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE budget_alerts SET state = ?, attempts = ?, finished_at = ?, "
                + "last_error = coalesce(?, last_error), lease_owner = NULL, lease_until = 0 WHERE id = ? "
                + "AND lease_owner = ? AND state = 'pending'")) {
            s.setString(1, state);
            s.setInt(2, attempts);
            s.setLong(3, at.toEpochMilli());
            s.setString(4, error);
            s.setString(5, id);
            s.setString(6, owner);
            return s.executeUpdate() == 1;
        }
    }

    /** See {@link AlertOutbox#alerts}. */
    public static List<BudgetAlert> list(Connection c, AlertState state, int limit) throws SQLException {
        String sql = "SELECT " + COLUMNS + " FROM budget_alerts" + (state == null ? "" : " WHERE state = ?")
                + " ORDER BY crossed_at DESC, id DESC LIMIT ?";
        try (PreparedStatement s = c.prepareStatement(sql)) {
            int p = 1;
            if (state != null) {
                s.setString(p++, Json.wire(state));
            }
            s.setInt(p, limit);
            return read(s);
        }
    }

    private static List<BudgetAlert> read(PreparedStatement s) throws SQLException {
        List<BudgetAlert> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                long finished = rs.getLong(16);
                Instant finishedAt = rs.wasNull() ? null : Instant.ofEpochMilli(finished);
                out.add(new BudgetAlert(rs.getString(1), rs.getString(2),
                        Json.parseEnum(BudgetKind.class, "kind", rs.getString(3)), rs.getString(4),
                        Json.parseEnum(BudgetPeriod.class, "period", rs.getString(5)),
                        Instant.ofEpochMilli(rs.getLong(6)), rs.getInt(7), rs.getLong(8), rs.getLong(9),
                        Instant.ofEpochMilli(rs.getLong(10)), rs.getString(11),
                        Json.parseEnum(AlertState.class, "state", rs.getString(12)), rs.getInt(13),
                        Instant.ofEpochMilli(rs.getLong(14)), rs.getString(15), finishedAt));
            }
        }
        return out;
    }
}
