package dev.tally.audit.store.sqlite;

import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.AdminChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Applies {@link AdminChange}s inside the writer's transaction. A change that breaks a rule
 * (duplicate key id or name, unknown key, an anchor going backwards) throws
 * {@link IllegalArgumentException}, which rolls the whole batch back. Not thread-safe.
 */
final class SqliteAdmin implements AutoCloseable {

    private final Connection connection;

    SqliteAdmin(Connection connection) {
        this.connection = connection;
    }

    void apply(AdminChange change) throws SQLException {
        switch (change) {
            case AdminChange.CreateKey create -> createKey(create.key());
            case AdminChange.UpdateKey update -> updateKey(update.key());
            case AdminChange.RevokeKey revoke -> revokeKey(revoke.keyId(), revoke.at());
            case AdminChange.PutSetting put -> putSetting(put.name(), put.value());
            case AdminChange.Prune prune -> prune(prune.anchor(), prune.frontier());
        }
    }

    private void createKey(VirtualKey key) throws SQLException {
        if (SqliteKeys.byColumn(connection, "id", key.id()).isPresent()) {
            throw new IllegalArgumentException("key id: '" + key.id() + "' (expected: an id no other key has)");
        }
        if (SqliteKeys.byColumn(connection, "name", key.name()).isPresent()) {
            throw new IllegalArgumentException("key name: '" + key.name() + "' (expected: a name no other key has)");
        }
        if (SqliteKeys.byColumn(connection, "secret_hash", key.secretHash()).isPresent()) {
            throw new IllegalArgumentException("key secret: already in use (expected: a fresh secret)");
        }
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO virtual_keys (id, name, secret_hash, prefix, "
                + "allowed_models, requests_per_minute, tokens_per_minute, budget_micros, budget_period, expires_at, "
                + "enabled, payload_policy, tags, created_at, revoked_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, key.id());
            s.setString(2, key.name());
            s.setString(3, key.secretHash());
            s.setString(4, key.prefix());
            SqliteKeys.bindMutable(s, 5, key);
            s.setLong(14, key.createdAt().toEpochMilli());
            SqliteKeys.setNullableLong(s, 15, key.revokedAt() == null ? null : key.revokedAt().toEpochMilli());
            s.executeUpdate();
        }
    }

    private void updateKey(VirtualKey key) throws SQLException {
        Optional<VirtualKey> existing = SqliteKeys.byColumn(connection, "id", key.id());
        if (existing.isEmpty()) {
            throw new IllegalArgumentException("key id: '" + key.id() + "' (expected: an existing key)");
        }
        Optional<VirtualKey> sameName = SqliteKeys.byColumn(connection, "name", key.name());
        if (sameName.isPresent() && !sameName.get().id().equals(key.id())) {
            throw new IllegalArgumentException("key name: '" + key.name() + "' (expected: a name no other key has)");
        }
        try (PreparedStatement s = connection.prepareStatement("UPDATE virtual_keys SET allowed_models = ?, "
                + "requests_per_minute = ?, tokens_per_minute = ?, budget_micros = ?, budget_period = ?, expires_at = ?, "
                + "enabled = ?, payload_policy = ?, tags = ?, name = ? WHERE id = ?")) {
            SqliteKeys.bindMutable(s, 1, key);
            s.setString(10, key.name());
            s.setString(11, key.id());
            s.executeUpdate();
        }
    }

    private void revokeKey(String keyId, java.time.Instant at) throws SQLException {
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
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value")) {
            s.setString(1, name);
            s.setString(2, value);
            s.executeUpdate();
        }
    }

    /**
     * Deletes the chain's entries (and their tag rows and kept payloads) through the anchor's
     * seq, and the checkpoints before it, which speak of entries that no longer exist; the anchor
     * replaces them. Rollups stay.
     */
    private void prune(SignedHead anchor, java.util.List<String> frontier) throws SQLException {
        if (anchor.purpose() != SignedHead.Purpose.ANCHOR) {
            throw new IllegalArgumentException("prune: purpose " + anchor.purpose() + " (expected: ANCHOR)");
        }
        Optional<SignedHead> previous = SqliteReads.anchor(connection, anchor.chain());
        if (previous.isPresent() && previous.get().seq() > anchor.seq()) {
            throw new IllegalArgumentException("prune: seq " + anchor.seq() + " (expected: >= " + previous.get().seq()
                    + ", the chain's current anchor)");
        }
        execute("DELETE FROM payloads WHERE call_id IN (SELECT id FROM entries WHERE chain = ? AND seq <= ? "
                + "AND kind = 'call')", anchor.chain(), anchor.seq());
        execute("DELETE FROM call_tags WHERE row_id IN (SELECT row_id FROM entries WHERE chain = ? AND seq <= ?)",
                anchor.chain(), anchor.seq());
        execute("DELETE FROM entries WHERE chain = ? AND seq <= ?", anchor.chain(), anchor.seq());
        dev.tally.audit.store.HeadRows.pruneCheckpoints(connection, anchor.chain(), anchor.seq());
        dev.tally.audit.store.HeadRows.upsertAnchor(connection, anchor, frontier);
    }

    private void execute(String sql, String chain, long seq) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, chain);
            s.setLong(2, seq);
            s.executeUpdate();
        }
    }

    @Override
    public void close() {
        // Statements are prepared per change; nothing is held.
    }
}
