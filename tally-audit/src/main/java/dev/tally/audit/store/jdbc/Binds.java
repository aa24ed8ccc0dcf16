package dev.tally.audit.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;

/** Binding nullable values the same way on both stores' drivers. Stateless; not API. */
public final class Binds {

    private Binds() {
    }

    /** Binds {@code value}, or SQL NULL of type VARCHAR. */
    public static void setNullable(PreparedStatement s, int index, String value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.VARCHAR);
        } else {
            s.setString(index, value);
        }
    }

    /** Binds {@code value}, or SQL NULL of type BIGINT. */
    public static void setNullableLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value);
        }
    }
}
