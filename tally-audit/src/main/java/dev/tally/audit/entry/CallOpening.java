package dev.tally.audit.entry;

import java.util.Objects;

/**
 * The "opened" marker of a call in flight. It is not a log entry: it lives beside the log
 * until the call's closing {@link CallRecord} (same {@code id}) is committed, which deletes it
 * in the same transaction. A marker that survives a crash is turned into an
 * {@link CallStatus#INTERRUPTED} record by recovery, built from what the marker knew.
 *
 * @param record the call as known at its start (id, started_at, key, model, ...); its status
 *     is ignored
 */
public record CallOpening(CallRecord record) {

    public CallOpening {
        Objects.requireNonNull(record, "record");
    }

    /** The id the closing record will carry. */
    public String id() {
        return record.id();
    }
}
