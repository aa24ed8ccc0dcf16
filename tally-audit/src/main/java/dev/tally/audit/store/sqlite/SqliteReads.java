package dev.tally.audit.store.sqlite;

import dev.tally.audit.chain.EntryHasher;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQLite-only reads behind the shared JDBC core: where a chain ends (its last row) and which
 * chains exist (a skip-scan of the {@code (chain, seq)} index). Stateless.
 */
final class SqliteReads {

    private SqliteReads() {
    }

    /** Where {@code chain} ends: its last entry, else its anchor, else empty at genesis. */
    static dev.tally.audit.store.ChainHead head(Connection c, String chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT seq, hash FROM entries WHERE chain = ? ORDER BY seq DESC LIMIT 1")) {
            s.setString(1, chain);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return new dev.tally.audit.store.ChainHead(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return dev.tally.audit.store.HeadRows.anchor(c, chain)
                .map(a -> new dev.tally.audit.store.ChainHead(a.seq(), a.hash()))
                .orElse(new dev.tally.audit.store.ChainHead(0, EntryHasher.GENESIS));
    }

    /**
     * The chains with entries or an anchor. Distinct chains are found by skipping through the
     * {@code (chain, seq)} index one chain at a time, so the cost does not grow with the rows.
     */
    static List<String> chains(Connection c) throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("WITH RECURSIVE chains (chain) AS ("
                + "SELECT min(chain) FROM entries "
                + "UNION ALL SELECT (SELECT min(chain) FROM entries WHERE chain > chains.chain) FROM chains "
                + "WHERE chains.chain IS NOT NULL) "
                + "SELECT chain FROM chains WHERE chain IS NOT NULL UNION SELECT chain FROM anchors ORDER BY 1");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }

}
