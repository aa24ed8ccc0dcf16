package dev.tally.audit.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The test server itself: a real PostgreSQL that can be stopped and started on its data. */
class EmbeddedPostgresServerTest {

    @Test
    void aStoppedServerRefusesConnectionsAndKeepsItsDataWhenStartedAgain() throws Exception {
        try (EmbeddedPostgresServer server = EmbeddedPostgresServer.startNew()) {
            String db = server.newDatabase();
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(db), server.user(), "");
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (x int)");
                s.execute("INSERT INTO t VALUES (42)");
            }
            server.stop();
            assertThat(server.running()).isFalse();
            assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl(db), server.user(), "").close())
                    .isInstanceOf(SQLException.class);

            server.start();
            try (Connection c = DriverManager.getConnection(server.jdbcUrl(db), server.user(), "");
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT x FROM t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }
}
