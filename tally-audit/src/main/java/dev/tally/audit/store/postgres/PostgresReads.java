package dev.tally.audit.store.postgres;

import dev.tally.audit.chain.EntryHasher;
import dev.tally.audit.store.ChainHead;
import dev.tally.audit.store.jdbc.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL-only reads behind the shared JDBC core: where a chain ends (its {@code chain_heads}
 * row), which chains exist, and the visibility condition the usage reads use. Stateless.
 */
final class PostgresReads {

    /**
     * The condition that keeps an entries row (alias {@code e}) visible: not pruned, i.e. above
     * its chain's anchor. Pruned rows wait there for their day's partition to be dropped.
     */
    static final String VISIBLE = Dialect.POSTGRES.visible();

    private PostgresReads() {
    }

    /** Where {@code chain} ends: its head row, else its anchor, else empty at genesis. */
    static ChainHead head(Connection c, String chain) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT seq, hash FROM chain_heads WHERE chain = ?")) {
            s.setString(1, chain);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    return new ChainHead(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return dev.tally.audit.store.HeadRows.anchor(c, chain).map(a -> new ChainHead(a.seq(), a.hash()))
                .orElse(new ChainHead(0, EntryHasher.GENESIS));
    }

    /** The chains with entries or an anchor, by name. */
    static List<String> chains(Connection c) throws SQLException {
        List<String> result = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT chain FROM chain_heads UNION SELECT chain FROM anchors ORDER BY 1");
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }

    /** {@link dev.tally.audit.store.jdbc.Binds#setNullable}, for the writer. */
    static void setNullable(PreparedStatement s, int index, String value) throws SQLException {
        dev.tally.audit.store.jdbc.Binds.setNullable(s, index, value);
    }
}
