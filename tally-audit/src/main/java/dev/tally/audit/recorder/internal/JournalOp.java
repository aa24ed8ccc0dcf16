package dev.tally.audit.recorder.internal;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import java.util.Objects;

/**
 * One unsequenced write of the audit log as the spill journal keeps it: an opening marker or an
 * entry. It has no seq or hash yet; the writer chains it when it reaches the store.
 *
 * <p>JSON form (one journal record's payload), written with {@link dev.tally.audit.json.Json}:
 * {@code {"entry":{"kind":"call",...},"op":"open"}} or {@code {"entry":{"kind":...},"op":"append"}}.
 *
 * @param op whether this opens a call or appends an entry
 * @param entry the entry; for {@link Type#OPEN} the call as known at its start
 */
public record JournalOp(Type op, AuditEntry entry) {

    /** What a journal record asks the writer to do. */
    public enum Type {
        /** Insert an opening marker for {@code entry} (always a call record). */
        OPEN,
        /** Append {@code entry} to the chain. */
        APPEND
    }

    public JournalOp {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(entry, "entry");
        if (op == Type.OPEN && !(entry instanceof CallRecord)) {
            throw new IllegalArgumentException("entry: " + entry.kind() + " (expected: a call record for op open)");
        }
    }

    /** An opening marker. */
    public static JournalOp open(CallOpening opening) {
        return new JournalOp(Type.OPEN, opening.record());
    }

    /** An entry to append. */
    public static JournalOp append(AuditEntry entry) {
        return new JournalOp(Type.APPEND, entry);
    }

    /** The marker, for an {@link Type#OPEN} op. */
    public CallOpening opening() {
        return new CallOpening((CallRecord) entry);
    }
}
