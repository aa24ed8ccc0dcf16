package dev.tally.audit.entry;

/** The three kinds of audit entry; their wire names are {@code call}, {@code security}, {@code admin}. */
public enum EntryKind {
    CALL, SECURITY, ADMIN
}
