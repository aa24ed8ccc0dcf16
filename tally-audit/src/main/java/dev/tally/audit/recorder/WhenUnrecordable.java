package dev.tally.audit.recorder;

/**
 * What a gateway does with a new call while {@link Recorder#recordable()} is false: neither the
 * store nor the spill journal can take its record now (store failing and the journal full,
 * failing, or at {@code journal_max_bytes}). The recorder itself behaves the same in both modes:
 * a write it can neither store nor journal is counted in {@link RecorderStats#lost()}.
 */
public enum WhenUnrecordable {
    /** Refuse the call (503 {@code audit_unavailable}) before it reaches a provider. The default. */
    REFUSE,
    /** Forward the call anyway; its record may be lost, and is then counted as lost. */
    ALLOW
}
