package dev.tally.audit.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Lookups whose SQL is the same on every store (plain tables, no dialect), shared by the SQLite
 * and PostgreSQL stores. Each runs on the caller's connection and transaction.
 */
public final class PortableReads {

    private PortableReads() {
    }

    /** Every registered signing key: key id to base64 public key. */
    public static Map<String, String> signingKeys(Connection c) throws SQLException {
        Map<String, String> result = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT key_id, public_key FROM signing_keys")) {
            while (rs.next()) {
                result.put(rs.getString(1), rs.getString(2));
            }
        }
        return result;
    }

    /** The stored value of setting {@code name}, if any. */
    public static Optional<String> setting(Connection c, String name) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT value FROM settings WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
