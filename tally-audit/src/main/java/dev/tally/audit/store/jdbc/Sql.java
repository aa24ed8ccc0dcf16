package dev.tally.audit.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A statement under construction: fixed SQL text plus the values to bind, in order. Only fixed
 * fragments and whitelisted column names are appended as text; every value is bound. Part of
 * the JDBC core shared by the stores; not API. Not thread-safe.
 */
public final class Sql {

    private final StringBuilder text;
    private final List<Object> values = new ArrayList<>();

    /** A statement starting with {@code start} (fixed text). */
    public Sql(String start) {
        text = new StringBuilder(start);
    }

    /** Appends {@code AND condition}, binding {@code args}. */
    public void where(String condition, Object... args) {
        text.append(" AND ").append(condition);
        values.addAll(List.of(args));
    }

    /** Appends {@code AND column = ?} when {@code value} is not null; {@code column} is a fixed name. */
    public void equal(String column, String value) {
        if (value != null) {
            where(column + " = ?", value);
        }
    }

    /** Appends {@code fragment} (fixed text), binding {@code args}. */
    public void append(String fragment, Object... args) {
        text.append(fragment);
        values.addAll(List.of(args));
    }

    /** Prepares the statement with its values bound; the caller closes it. */
    public PreparedStatement prepare(Connection c) throws SQLException {
        return prepare(c, "");
    }

    /** Prepares the statement with {@code prefix} (e.g. {@code EXPLAIN QUERY PLAN }) before it. */
    public PreparedStatement prepare(Connection c, String prefix) throws SQLException {
        PreparedStatement s = c.prepareStatement(prefix + text);
        try {
            for (int i = 0; i < values.size(); i++) {
                Object v = values.get(i);
                if (v instanceof Long l) {
                    s.setLong(i + 1, l);
                } else {
                    s.setString(i + 1, (String) v);
                }
            }
            return s;
        } catch (SQLException | RuntimeException e) {
            s.close();
            throw e;
        }
    }
}
