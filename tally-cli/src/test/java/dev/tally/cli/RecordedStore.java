package dev.tally.cli;

import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.ZoneOffset;

/**
 * A real data directory for CLI tests: a SQLite store written through the real {@link Recorder}
 * (hash chain, checkpoints, signing key), plus ways to tamper with it the way an attacker with
 * write access to the file could.
 */
final class RecordedStore {

    static final String CHAIN = "gw-test";

    private final Path data;
    private final String publicKeyBase64;

    private RecordedStore(Path data, String publicKeyBase64) {
        this.data = data;
        this.publicKeyBase64 = publicKeyBase64;
    }

    /**
     * Records {@code calls} call records into {@code data}/tally.db on chain {@value #CHAIN} with
     * a checkpoint every 5 entries, signed by the key pair in {@code data}, then closes the
     * recorder (which writes a final checkpoint).
     */
    static RecordedStore write(Path data, int calls) throws InterruptedException {
        return write(data, CHAIN, data, calls);
    }

    /**
     * Records {@code calls} call records on {@code chain} into {@code data}/tally.db, signed by
     * the key pair in {@code keyDir} (a second signer when it differs from another chain's).
     */
    static RecordedStore write(Path data, String chain, Path keyDir, int calls) throws InterruptedException {
        Entries entries = new Entries();
        Clock clock = Clock.fixed(Entries.T0.plusSeconds(3600), ZoneOffset.UTC);
        RecorderConfig config = RecorderConfig.defaults(chain, keyDir).withCheckpointEvery(5);
        try (SqliteAuditStore store = SqliteAuditStore.open(data.resolve(VerifyCommand.DATABASE_FILE));
                Recorder recorder = Recorder.start(store, config, clock)) {
            for (int i = 0; i < calls; i++) {
                recorder.record(entries.call(Entries.T0.plusSeconds(i)).build());
            }
            recorder.flush();
            return new RecordedStore(data, recorder.publicKeyBase64());
        }
    }

    Path data() {
        return data;
    }

    String publicKeyBase64() {
        return publicKeyBase64;
    }

    /** Rewrites the body of the entry at {@code seq}, replacing {@code from} with {@code to}. */
    void editBody(long seq, String from, String to) throws SQLException {
        try (Connection c = connect();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE entries SET body = CAST(replace(CAST(body AS TEXT), ?, ?) AS BLOB) WHERE chain = ? AND seq = ?")) {
            update.setString(1, from);
            update.setString(2, to);
            update.setString(3, CHAIN);
            update.setLong(4, seq);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("no entry at seq " + seq);
            }
        }
    }

    /** Deletes the entry at {@code seq}. */
    void delete(long seq) throws SQLException {
        try (Connection c = connect();
                PreparedStatement delete = c.prepareStatement("DELETE FROM entries WHERE chain = ? AND seq = ?")) {
            delete.setString(1, CHAIN);
            delete.setLong(2, seq);
            if (delete.executeUpdate() != 1) {
                throw new IllegalStateException("no entry at seq " + seq);
            }
        }
    }

    /** Deletes the signed heads of the chain above {@code seq}, and with {@code entriesToo} its entries above it. */
    void cutAfter(long seq, boolean entriesToo) throws SQLException {
        try (Connection c = connect();
                PreparedStatement heads = c.prepareStatement("DELETE FROM checkpoints WHERE chain = ? AND seq > ?");
                PreparedStatement rows = c.prepareStatement("DELETE FROM entries WHERE chain = ? AND seq > ?")) {
            heads.setString(1, CHAIN);
            heads.setLong(2, seq);
            heads.executeUpdate();
            if (entriesToo) {
                rows.setString(1, CHAIN);
                rows.setLong(2, seq);
                rows.executeUpdate();
            }
        }
    }

    /** The id stored at {@code seq}. */
    String idAt(long seq) throws SQLException {
        try (Connection c = connect();
                PreparedStatement select = c.prepareStatement("SELECT id FROM entries WHERE chain = ? AND seq = ?")) {
            select.setString(1, CHAIN);
            select.setLong(2, seq);
            try (var rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + data.resolve(VerifyCommand.DATABASE_FILE));
    }
}
