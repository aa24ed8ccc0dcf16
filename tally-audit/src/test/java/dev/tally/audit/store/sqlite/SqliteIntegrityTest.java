package dev.tally.audit.store.sqlite;

import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.IntegrityContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Signed heads, proofs and the attacks on them, on a real SQLite file. */
class SqliteIntegrityTest extends IntegrityContract {

    @TempDir
    Path dir;

    @Override
    protected AuditStore newStore() {
        return SqliteAuditStore.open(dir.resolve("tally.db"));
    }
}
