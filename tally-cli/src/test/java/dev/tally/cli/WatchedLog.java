package dev.tally.cli;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.recorder.Durability;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import dev.tally.gateway.audit.RecorderAuditSink;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.server.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A log a witness watches: a real SQLite store and recorder on chain {@value #CHAIN} (a signed head
 * every {@value #HEAD_EVERY} entries, never by time during a test), a real gateway serving its
 * admin API on a free port, and the ways an attacker who can write the store (and read the key
 * beside it) rewrites it while the gateway keeps serving.
 */
final class WatchedLog implements AutoCloseable {

    static final String CHAIN = "gw-watched";
    static final String TOKEN = "tadm-witness-test-admin-token-77";
    static final int HEAD_EVERY = 2;

    final Path data;
    final SqliteAuditStore store;
    final Recorder recorder;
    final Gateway gateway;
    private final Entries entries = new Entries();
    private Instant next = Entries.T0;

    WatchedLog(Path data) throws Exception {
        this.data = data;
        Files.createDirectories(data);
        GatewayConfig config = ConfigLoader.parse("server:\n  host: 127.0.0.1\n  port: 0\n", data,
                Map.of("TALLY_ADMIN_TOKEN", TOKEN));
        store = SqliteAuditStore.open(data.resolve("tally.db"));
        recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, data).withCheckpointEvery(HEAD_EVERY)
                .withSignInterval(Duration.ofHours(1)), Clock.systemUTC());
        gateway = Gateway.start(config, store, recorder, new RecorderAuditSink(recorder, Durability.ASYNC),
                Clock.systemUTC(), wait -> { }, routing -> { });
    }

    String url() {
        return "http://127.0.0.1:" + gateway.port();
    }

    Map<String, String> env() {
        return Map.of("TALLY_ADMIN_TOKEN", TOKEN);
    }

    /** Records {@code n} calls; returns once they and their heads are committed. */
    void record(int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            next = next.plusSeconds(1);
            recorder.record(entries.call(next).build());
        }
        recorder.flush();
    }

    /** Cuts the chain after {@code seq}: its entries and the heads above it go, as an attacker would. */
    void cutAfter(long seq) throws SQLException {
        run("DELETE FROM entries WHERE chain = ? AND seq > ?", CHAIN, seq);
        run("DELETE FROM checkpoints WHERE chain = ? AND seq > ?", CHAIN, seq);
    }

    /** Deletes the whole chain: entries, heads and anchor. */
    void deleteChain() throws SQLException {
        run("DELETE FROM entries WHERE chain = ?", CHAIN);
        run("DELETE FROM checkpoints WHERE chain = ?", CHAIN);
        run("DELETE FROM anchors WHERE chain = ?", CHAIN);
    }

    /**
     * Replaces the root of the head at {@code seq} with {@code root} and re-signs it with the key
     * beside the store: a rewritten history, signed by the real key.
     */
    void forgeRoot(long seq, String root) throws Exception {
        SignedHead stored = store.checkpoints(CHAIN).stream().filter(h -> h.seq() == seq).findFirst().orElseThrow();
        SignedHead forged = SigningKeys.loadOrCreate(data).sign(new SignedHead(stored.purpose(), stored.chain(),
                stored.seq(), stored.hash(), root, stored.prevHead(), stored.closed(), stored.nextKey(), stored.at(),
                null, null, stored.rollupDigest()));
        run("UPDATE checkpoints SET root = ?, signature = ? WHERE chain = ? AND seq = ?", root, forged.signature(),
                CHAIN, seq);
    }

    /** The id of the entry at {@code seq}. */
    String idAt(long seq) {
        java.util.concurrent.atomic.AtomicReference<String> id = new java.util.concurrent.atomic.AtomicReference<>();
        store.scan(CHAIN, row -> {
            if (row.seq() == seq) {
                id.set(row.columns().id());
            }
        });
        return id.get();
    }

    /** The exported public key, written to {@code file}. */
    Path exportKey(Path file) throws Exception {
        return Files.writeString(file, recorder.publicKeyBase64() + "\n");
    }

    private void run(String sql, Object... values) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("tally.db"));
                PreparedStatement statement = c.prepareStatement(sql)) {
            List<Object> list = List.of(values);
            for (int i = 0; i < list.size(); i++) {
                statement.setObject(i + 1, list.get(i));
            }
            statement.executeUpdate();
        }
    }

    @Override
    public void close() {
        gateway.close();
        recorder.close();
        store.close();
    }
}
