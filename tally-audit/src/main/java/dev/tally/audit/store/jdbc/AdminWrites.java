package dev.tally.audit.store.jdbc;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.AdminChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/**
 * Applies {@link AdminChange}s inside the writer's transaction, the same on both stores. A change
 * that breaks a rule (duplicate key id or name, unknown key, an anchor going backwards) throws
 * {@link IllegalArgumentException}, which rolls the whole batch back.
 *
 * <p>Retention ({@link AdminChange.Prune}) stores the anchor and deletes the checkpoints before
 * it; what else goes in the same transaction is the {@link Dialect}'s: SQLite deletes the pruned
 * rows, PostgreSQL only their kept payloads (its rows turn invisible behind the anchor, and the
 * store drops every day partition whose rows are all pruned after the commit). Either way a
 * payload never outlives its record. Part of the JDBC core; not API. Not thread-safe: one per
 * batch or per writer connection.
 */
public class AdminWrites {

    private final Connection connection;
    private final Dialect dialect;
    private boolean pruned;

    /** Applies changes on {@code connection} (the writer's, inside its transaction). */
    protected AdminWrites(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
    }

    /**
     * Registers a public signing key under its id on {@code c}, inside the caller's transaction;
     * registering the same key again changes nothing.
     *
     * @throws IllegalArgumentException when a different key is registered under {@code keyId}
     */
    public static void registerSigningKey(Connection c, String keyId, String publicKeyBase64) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO signing_keys (key_id, public_key) VALUES (?, ?) ON CONFLICT (key_id) DO NOTHING")) {
            s.setString(1, keyId);
            s.setString(2, publicKeyBase64);
            s.executeUpdate();
        }
        String stored = dev.tally.audit.store.PortableReads.signingKeys(c).get(keyId);
        if (!publicKeyBase64.equals(stored)) {
            throw new IllegalArgumentException("signing key '" + keyId
                    + "': a different public key is registered under this id (expected: the same key)");
        }
    }

    /** The {@code settings} row a probe writes and deletes in one transaction: never seen outside it. */
    static final String PROBE_SETTING = "_tally_write_probe";

    /**
     * Writes and deletes a scratch {@code settings} row on {@code c}, inside the caller's
     * transaction: nothing changes, but the pages are dirtied, so the commit must write them (see
     * {@link dev.tally.audit.store.ChainWrites#probeWrite}).
     */
    public static void scratchWrite(Connection c) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO settings (name, value) VALUES (?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET value = excluded.value");
                PreparedStatement delete = c.prepareStatement("DELETE FROM settings WHERE name = ?")) {
            insert.setString(1, PROBE_SETTING);
            insert.setString(2, Long.toString(System.nanoTime()));
            insert.executeUpdate();
            delete.setString(1, PROBE_SETTING);
            delete.executeUpdate();
        }
    }

    /** Whether a prune was applied: the PostgreSQL store then looks for partitions to drop after the commit. */
    public boolean pruned() {
        return pruned;
    }

    /** Applies {@code change}; see the class comment for what breaks a rule. */
    public void apply(AdminChange change) throws SQLException {
        switch (change) {
            case AdminChange.CreateKey create -> createKey(create.key());
            case AdminChange.UpdateKey update -> updateKey(update.key());
            case AdminChange.RevokeKey revoke -> revokeKey(revoke.keyId(), revoke.at());
            case AdminChange.PutSetting put -> putSetting(put.name(), put.value());
            case AdminChange.Prune prune -> prune(prune.anchor(), prune.frontier());
            case AdminChange.AdjustCost adjust -> AdjustmentRows.insert(connection, adjust.adjustment());
        }
    }

    private void createKey(VirtualKey key) throws SQLException {
        if (KeyRows.byColumn(connection, "id", key.id()).isPresent()) {
            throw new IllegalArgumentException("key id: '" + key.id() + "' (expected: an id no other key has)");
        }
        if (KeyRows.byColumn(connection, "name", key.name()).isPresent()) {
            throw new IllegalArgumentException("key name: '" + key.name() + "' (expected: a name no other key has)");
        }
        if (KeyRows.byColumn(connection, "secret_hash", key.secretHash()).isPresent()) {
            throw new IllegalArgumentException("key secret: already in use (expected: a fresh secret)");
        }
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO virtual_keys (" + KeyRows.COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, key.id());
            s.setString(2, key.name());
            s.setString(3, key.secretHash());
            s.setString(4, key.prefix());
            KeyRows.bindMutable(s, 5, key);
            s.setLong(14, key.createdAt().toEpochMilli());
            Binds.setNullableLong(s, 15, key.revokedAt() == null ? null : key.revokedAt().toEpochMilli());
            s.executeUpdate();
        }
    }

    private void updateKey(VirtualKey key) throws SQLException {
        Optional<VirtualKey> existing = KeyRows.byColumn(connection, "id", key.id());
        if (existing.isEmpty()) {
            throw new IllegalArgumentException("key id: '" + key.id() + "' (expected: an existing key)");
        }
        Optional<VirtualKey> sameName = KeyRows.byColumn(connection, "name", key.name());
        if (sameName.isPresent() && !sameName.get().id().equals(key.id())) {
            throw new IllegalArgumentException("key name: '" + key.name() + "' (expected: a name no other key has)");
        }
        try (PreparedStatement s = connection.prepareStatement("UPDATE virtual_keys SET allowed_models = ?, "
                + "requests_per_minute = ?, tokens_per_minute = ?, budget_micros = ?, budget_period = ?, expires_at = ?, "
                + "enabled = ?, payload_policy = ?, tags = ?, name = ? WHERE id = ?")) {
            KeyRows.bindMutable(s, 1, key);
            s.setString(10, key.name());
            s.setString(11, key.id());
            s.executeUpdate();
        }
    }

    private void revokeKey(String keyId, Instant at) throws SQLException {
        // A second revocation keeps the first time: a revoked key never comes back.
        try (PreparedStatement s = connection.prepareStatement(
                "UPDATE virtual_keys SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?")) {
            s.setLong(1, at.toEpochMilli());
            s.setString(2, keyId);
            if (s.executeUpdate() == 0) {
                throw new IllegalArgumentException("key id: '" + keyId + "' (expected: an existing key)");
            }
        }
    }

    private void putSetting(String name, String value) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO settings (name, value) VALUES (?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            s.setString(1, name);
            s.setString(2, value);
            s.executeUpdate();
        }
    }

    private void prune(SignedHead anchor, java.util.List<String> frontier) throws SQLException {
        if (anchor.purpose() != SignedHead.Purpose.ANCHOR) {
            throw new IllegalArgumentException("prune: purpose " + anchor.purpose() + " (expected: ANCHOR)");
        }
        Optional<SignedHead> previous = dev.tally.audit.store.HeadRows.anchor(connection, anchor.chain());
        if (previous.isPresent() && previous.get().seq() > anchor.seq()) {
            throw new IllegalArgumentException("prune: seq " + anchor.seq() + " (expected: >= " + previous.get().seq()
                    + ", the chain's current anchor)");
        }
        dialect.deletePruned(connection, anchor.chain(), previous.map(SignedHead::seq).orElse(0L), anchor.seq());
        dev.tally.audit.store.HeadRows.pruneCheckpoints(connection, anchor.chain(), anchor.seq());
        dev.tally.audit.store.HeadRows.upsertAnchor(connection, anchor, frontier);
        pruned = true;
    }
}
