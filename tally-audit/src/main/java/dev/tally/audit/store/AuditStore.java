package dev.tally.audit.store;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.query.Page;
import dev.tally.audit.query.UsageQuery;
import dev.tally.audit.query.UsageReport;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the audit log, its rollups, keys and admin state live. Implementations: SQLite
 * (embedded, default) and, later, PostgreSQL; both pass the same contract test suite.
 *
 * <p>Writing: only one writer per chain (the {@link dev.tally.audit.recorder.Recorder}'s writer
 * thread) calls {@link #commit}. Reading methods may be called from any thread at any time,
 * also while another process writes (SQLite WAL). Implementations are thread-safe.
 *
 * <p>Every method throws {@link StoreException} when the store cannot be reached or written;
 * messages never contain secrets.
 */
public interface AuditStore extends AutoCloseable {

    // ---- writing (the writer thread only) ----

    /** Where {@code chain} ends: its last seq and hash, or the anchor after a full prune. */
    ChainHead head(String chain);

    /**
     * Commits a batch atomically: all of it or none of it. A call record deletes its opening
     * marker and updates the rollups in the same transaction. Admin changes that violate a
     * constraint (duplicate key name, unknown key id) make the whole batch fail with
     * {@link IllegalArgumentException}, as do entries that do not continue the chain from
     * {@link #head} (a seq gap or overlap, a prev_hash that is not the previous hash), and
     * payloads whose call record is not among the batch's entries; store
     * faults throw {@link StoreException}. Returns when the batch is committed.
     */
    void commit(WriteBatch batch);

    /** Registers a public signing key (base64 X.509) under its key id, so verifiers can find it. */
    void registerSigningKey(String keyId, String publicKeyBase64);

    /**
     * The last seq and hash of {@code chain} such that every entry through it has a timestamp
     * before {@code before}: what a retention run may prune. Empty when nothing qualifies.
     */
    Optional<ChainHead> prunableThrough(String chain, Instant before);

    /**
     * Deletes the kept payloads made before {@code before} (their {@code created_at}); the call
     * records stay, and say by their {@code payload} field what had been kept. Payloads are
     * outside the hash chain, so this never affects verification. Unlike {@link #commit} it may
     * be called from any thread (the retention scheduler): implementations delete in bounded
     * chunks, each its own transaction, so the writer is never held up by more than one chunk.
     * Returns the number of payloads deleted once none made before {@code before} is left.
     */
    long prunePayloads(Instant before);

    // ---- recovery ----

    /** Opening markers of {@code chain} with no closing record yet, oldest first. */
    List<CallOpening> openings(String chain);

    // ---- reading entries ----

    /** One entry by id, of any kind. */
    Optional<ChainedEntry> entry(String id);

    /** The kept payload of the call record {@code callId}, if one was kept. */
    Optional<StoredPayload> payload(String callId);

    /** Call records, newest first, filtered and paged. */
    Page<ChainedEntry> calls(CallQuery query);

    /** Security and admin events, newest first, filtered and paged. */
    Page<ChainedEntry> events(EventQuery query);

    /** Usage aggregated from the rollups (raw rows only for partial hours at the edges). */
    UsageReport usage(UsageQuery query);

    // ---- verification ----

    /** Every chain in the store. */
    List<String> chains();

    /** Streams the rows of {@code chain} in seq order, exactly as stored. */
    void scan(String chain, Consumer<StoredRow> sink);

    /** The chain's checkpoints in seq order. */
    List<SignedHead> checkpoints(String chain);

    /** The chain's retention anchor, if it was ever pruned. */
    Optional<SignedHead> anchor(String chain);

    /** The chain's checkpoint with the largest seq at or below {@code seq} (its latest: {@code Long.MAX_VALUE}). */
    default Optional<SignedHead> checkpointAtOrBefore(String chain, long seq) {
        SignedHead found = null;
        for (SignedHead head : checkpoints(chain)) {
            if (head.seq() <= seq) {
                found = head;
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The Merkle frontier stored with the chain's checkpoint or retention anchor at exactly
     * {@code seq}; empty when neither is there or it was written without one (schema version 1).
     */
    default Optional<dev.tally.audit.chain.MerkleFrontier> frontier(String chain, long seq) {
        return Optional.empty();
    }

    /**
     * Streams (hash, seq) of the chain's retained entries with {@code fromSeq <= seq <= toSeq} in
     * seq order. Implementations read only those two columns: this is what the writer's restart
     * and the proofs read instead of whole rows.
     */
    default void entryHashes(String chain, long fromSeq, long toSeq, java.util.function.ObjLongConsumer<String> sink) {
        scan(chain, row -> {
            if (row.seq() >= fromSeq && row.seq() <= toSeq) {
                sink.accept(row.hash(), row.seq());
            }
        });
    }

    /** Streams the rows of {@code chain} with seq at or above {@code fromSeq}, in seq order, exactly as stored. */
    default void scanFrom(String chain, long fromSeq, Consumer<StoredRow> sink) {
        scan(chain, row -> {
            if (row.seq() >= fromSeq) {
                sink.accept(row);
            }
        });
    }

    /** Public signing keys by key id (base64 X.509). */
    java.util.Map<String, String> signingKeys();

    // ---- keys and admin state ----

    /** A key by the hex SHA-256 of its secret. */
    Optional<VirtualKey> keyBySecretHash(String secretHash);

    /** A key by id. */
    Optional<VirtualKey> key(String id);

    /** A key by name. */
    Optional<VirtualKey> keyByName(String name);

    /** Every key, revoked ones included, by creation time. */
    List<VirtualKey> keys();

    /** An admin setting by name. */
    Optional<String> setting(String name);

    /** Releases connections; idempotent. */
    @Override
    void close();
}
