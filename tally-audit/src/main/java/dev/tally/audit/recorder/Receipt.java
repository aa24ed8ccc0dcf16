package dev.tally.audit.recorder;

/** Where an entry the caller waited for ended up. */
public enum Receipt {
    /** Committed to the store. */
    STORED,
    /**
     * Not in the store (it is failing) but fsynced to the spill journal, to be replayed in order
     * when the store recovers. A sync-mode gateway treats this as "store down" and fails closed.
     */
    SPILLED
}
