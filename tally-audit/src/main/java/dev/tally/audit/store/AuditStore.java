package dev.tally.audit.store;

/**
 * Where the audit log, its rollups, keys and admin state live: the union of the roles its
 * callers use — {@link ChainWrites} (the recorder's writing and recovery), {@link ChainReads}
 * (verification and proofs), {@link AuditQueries} (records, events, payloads, usage),
 * {@link KeyReads} and {@link SettingReads}. A caller that needs one role takes that type.
 * Implementations: SQLite (embedded, default) and PostgreSQL; both pass the same contract test
 * suite.
 *
 * <p>Writing: only one writer per chain (the {@link dev.tally.audit.recorder.Recorder}'s writer
 * thread) calls {@link #commit}. Reading methods may be called from any thread at any time,
 * also while another process writes (SQLite WAL). Implementations are thread-safe.
 *
 * <p>Every method throws {@link StoreException} when the store cannot be reached or written;
 * messages never contain secrets.
 */
public interface AuditStore extends ChainWrites, ChainReads, AuditQueries, KeyReads, SettingReads, AutoCloseable {

    /** Releases connections; idempotent. */
    @Override
    void close();
}
