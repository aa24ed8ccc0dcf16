package dev.tally.audit.recorder;

/** When a call may proceed relative to its record being durable (DESIGN.md section 2). */
public enum Durability {
    /** The call never waits for the store; records are committed in groups. */
    ASYNC,
    /** The call waits until its opening, and later its record, are committed to the store. */
    SYNC
}
