package dev.tally.audit.entry;

/** The closed set of security event types. {@code AUTH_SUCCESS} is only written when enabled. */
public enum SecurityEventType {
    AUTH_FAILURE, AUTH_EXPIRED, AUTH_DISABLED, SCOPE_VIOLATION, RATE_LIMITED, BUDGET_EXCEEDED,
    UNKNOWN_MODEL, ADMIN_AUTH_FAILURE, AUTH_SUCCESS,
    /** The writer found, at start, a chain it cannot sign over as it is (see {@code docs/integrity.md}). */
    INTEGRITY_ALERT,
    /** Counted summary of the calls refused in one second because the audit log could not be written. */
    CALLS_REFUSED_UNRECORDABLE
}
