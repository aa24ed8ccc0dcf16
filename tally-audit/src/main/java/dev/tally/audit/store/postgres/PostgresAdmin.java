package dev.tally.audit.store.postgres;

import dev.tally.audit.store.jdbc.AdminWrites;
import dev.tally.audit.store.jdbc.Dialect;
import java.sql.Connection;

/**
 * The shared {@link AdminWrites} in the PostgreSQL dialect, as {@link PostgresWriter} applies
 * admin changes: a prune stores the anchor (hiding the rows through it at once, a chain pruned to
 * its very end keeping its head row) and deletes the pruned calls' kept payloads; the store drops
 * the emptied day partitions after the commit ({@link Partitions#dropPruned}). Not thread-safe.
 */
final class PostgresAdmin extends AdminWrites {

    PostgresAdmin(Connection connection) {
        super(connection, Dialect.POSTGRES);
    }
}
