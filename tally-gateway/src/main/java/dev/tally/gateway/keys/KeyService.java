package dev.tally.gateway.keys;

import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.KeyReads;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;

/**
 * Creates, changes and revokes virtual keys, and finds them for authentication.
 *
 * <p>Every change goes through {@link AdminLog#commit} with its {@link AdminEvent}
 * ({@code key_created}, {@code key_updated}, {@code key_revoked}) in one store transaction, so
 * a change whose audit record cannot be written does not happen. Event {@code before} /
 * {@code after} maps hold the changed settings by name (see {@link KeySettings#describe()});
 * they never hold the secret or its hash. The secret exists only in the {@link CreatedKey}
 * returned by {@link #create}.
 *
 * <p>Lookups by secret hash go through a {@link KeyCache}; changes made here invalidate it at
 * once, changes made elsewhere show within the cache's ttl. Mutations through one instance are
 * serialised, so two concurrent updates of one key never lose each other's fields; between
 * processes (the CLI and a running gateway) the last writer wins. Thread-safe; mutating
 * methods block until the change is durable.
 */
public final class KeyService implements KeyLookup {

    private final KeyReads store;
    private final AdminLog adminLog;
    private final IdSource ids;
    private final RandomGenerator secureRandom;
    private final Clock clock;
    private final KeyCache cache;
    private final ReentrantLock mutations = new ReentrantLock();

    /**
     * @param store where keys are read
     * @param adminLog where changes are committed with their events (the recorder)
     * @param ids key and event ids
     * @param secureRandom source of secrets; a {@link java.security.SecureRandom} outside tests
     * @param clock creation, revocation and event times
     * @param cacheTtl staleness bound of lookups by secret hash (see {@link KeyCache})
     */
    public KeyService(KeyReads store, AdminLog adminLog, IdSource ids, RandomGenerator secureRandom, Clock clock,
            Duration cacheTtl) {
        this.store = Objects.requireNonNull(store, "store");
        this.adminLog = Objects.requireNonNull(adminLog, "admin_log");
        this.ids = Objects.requireNonNull(ids, "ids");
        this.secureRandom = Objects.requireNonNull(secureRandom, "secure_random");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cache = new KeyCache(store::keyBySecretHash, clock, cacheTtl, KeyCache.DEFAULT_MAX_ENTRIES);
    }

    /**
     * Creates a key and returns it with its secret, which is not kept anywhere.
     *
     * @throws IllegalArgumentException when the name is taken or the expiry is not in the future
     */
    public CreatedKey create(KeySettings settings, String actor) throws InterruptedException {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        if (settings.expiresAt() != null && !settings.expiresAt().isAfter(now)) {
            throw new IllegalArgumentException("expires_at: " + settings.expiresAt() + " (expected: a time after now, "
                    + now + ")");
        }
        String secret = KeySecrets.generate(secureRandom);
        VirtualKey key = toKey(ids.next(), settings, KeySecrets.hash(secret), KeySecrets.prefix(secret), now, null);
        Map<String, String> after = new LinkedHashMap<>();
        after.put("id", key.id());
        after.put("prefix", key.prefix());
        after.putAll(settings.describe());
        mutations.lock();
        try {
            Optional<VirtualKey> holder = store.keyByName(settings.name());
            if (holder.isPresent()) {
                throw nameTaken(holder.get());
            }
            adminLog.commit(new AdminChange.CreateKey(key), event(AdminEventType.KEY_CREATED, actor, key,
                    Map.of(), after, "key '" + key.name() + "' (" + key.prefix() + ") created"));
        } finally {
            mutations.unlock();
        }
        return new CreatedKey(key, secret);
    }

    /**
     * Applies {@code change} to a key's settings. Writes nothing and returns the key as it is
     * when the settings do not change.
     *
     * @throws UnknownKeyException when no key has that id or name
     * @throws IllegalArgumentException when the key is revoked or the new name is taken
     */
    public VirtualKey update(String idOrName, UnaryOperator<KeySettings> change, String actor)
            throws InterruptedException {
        mutations.lock();
        try {
            VirtualKey current = get(idOrName);
            if (current.revokedAt() != null) {
                throw new IllegalArgumentException("key: '" + idOrName + "' was revoked at " + current.revokedAt()
                        + " (expected: a key that is not revoked; a revoked key never works again)");
            }
            KeySettings before = KeySettings.of(current);
            KeySettings after = change.apply(before);
            if (after.equals(before)) {
                return current;
            }
            if (!after.name().equals(before.name())) {
                Optional<VirtualKey> holder = store.keyByName(after.name());
                if (holder.isPresent() && !holder.get().id().equals(current.id())) {
                    throw nameTaken(holder.get());
                }
            }
            VirtualKey updated = toKey(current.id(), after, current.secretHash(), current.prefix(),
                    current.createdAt(), null);
            Map<String, String> was = new LinkedHashMap<>();
            Map<String, String> now = new LinkedHashMap<>();
            diff(before.describe(), after.describe(), was, now);
            adminLog.commit(new AdminChange.UpdateKey(updated), event(AdminEventType.KEY_UPDATED, actor, updated,
                    was, now, "key '" + updated.name() + "' (" + updated.prefix() + ") updated: "
                            + String.join(", ", now.keySet())));
            cache.invalidate(current.secretHash());
            return updated;
        } finally {
            mutations.unlock();
        }
    }

    /**
     * Revokes a key for good; it is kept (revoked) so old records still name it.
     *
     * @throws UnknownKeyException when no key has that id or name
     * @throws IllegalArgumentException when it is already revoked
     */
    public VirtualKey revoke(String idOrName, String actor) throws InterruptedException {
        mutations.lock();
        try {
            VirtualKey current = get(idOrName);
            if (current.revokedAt() != null) {
                throw new IllegalArgumentException("key: '" + idOrName + "' is already revoked (revoked at "
                        + current.revokedAt() + ")");
            }
            Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            VirtualKey revoked = toKey(current.id(), KeySettings.of(current), current.secretHash(), current.prefix(),
                    current.createdAt(), at);
            adminLog.commit(new AdminChange.RevokeKey(current.id(), at), event(AdminEventType.KEY_REVOKED, actor,
                    revoked, Map.of("revoked_at", KeySettings.NONE), Map.of("revoked_at", at.toString()),
                    "key '" + current.name() + "' (" + current.prefix() + ") revoked"));
            cache.invalidate(current.secretHash());
            return revoked;
        } finally {
            mutations.unlock();
        }
    }

    /** A key by id, or else by name. Reads the store. */
    public Optional<VirtualKey> find(String idOrName) {
        Optional<VirtualKey> byId = store.key(idOrName);
        return byId.isPresent() ? byId : store.keyByName(idOrName);
    }

    /**
     * A key by id, or else by name.
     *
     * @throws UnknownKeyException when there is none
     */
    public VirtualKey get(String idOrName) {
        return find(idOrName).orElseThrow(() -> new UnknownKeyException(idOrName));
    }

    /** Every key, revoked ones included, oldest first. Reads the store. */
    public List<VirtualKey> list() {
        return store.keys();
    }

    /** Cached lookup for authentication; see {@link KeyCache} for the staleness bound. */
    @Override
    public Optional<VirtualKey> bySecretHash(String secretHash) {
        return cache.bySecretHash(secretHash);
    }

    private static VirtualKey toKey(String id, KeySettings s, String hash, String prefix, Instant createdAt,
            Instant revokedAt) {
        return new VirtualKey(id, s.name(), hash, prefix, s.allowedModels(), s.requestsPerMinute(),
                s.tokensPerMinute(), s.budgetMicros(), s.budgetPeriod(), s.expiresAt(), s.enabled(),
                s.payloadPolicy(), s.storedTags(), createdAt, revokedAt);
    }

    private AdminEvent event(AdminEventType type, String actor, VirtualKey key, Map<String, String> before,
            Map<String, String> after, String detail) {
        return new AdminEvent(ids.next(), clock.instant(), type, actor, key.id(), before, after, detail);
    }

    /** Keeps only the names whose value differs; a name missing on one side reads as {@code none}. */
    private static void diff(Map<String, String> before, Map<String, String> after, Map<String, String> was,
            Map<String, String> now) {
        Map<String, String> all = new LinkedHashMap<>(before);
        after.forEach(all::putIfAbsent);
        for (String name : all.keySet()) {
            String b = before.getOrDefault(name, KeySettings.NONE);
            String a = after.getOrDefault(name, KeySettings.NONE);
            if (!a.equals(b)) {
                was.put(name, b);
                now.put(name, a);
            }
        }
    }

    /**
     * The name {@code holder} has is taken. A revoked key keeps its name for good (past records
     * and events name it, and it cannot be renamed), which surprises whoever revoked a key to
     * make a new one under the same name: the message says which key holds it and since when.
     */
    private static IllegalArgumentException nameTaken(VirtualKey holder) {
        if (holder.revokedAt() != null) {
            return new IllegalArgumentException("name: '" + holder.name() + "' is held by revoked key " + holder.id()
                    + " (revoked at " + dev.tally.audit.json.Json.INSTANT_FORMAT.format(holder.revokedAt())
                    + "); a revoked key keeps its name so past records still "
                    + "name it (expected: another name, e.g. '" + holder.name() + "-2')");
        }
        return new IllegalArgumentException("name: '" + holder.name() + "' (expected: a name no other key has)");
    }
}
