package dev.tally.audit.entry;

/**
 * How a call ended, as written in a record's {@code status}.
 *
 * <p>{@code INTERRUPTED} is only ever written by recovery, for a call whose opening marker
 * survived a crash without a closing record.
 */
public enum CallStatus {
    SUCCESS, ERROR, REFUSED, CANCELLED, INTERRUPTED
}
