package dev.tally.audit.alert;

/**
 * Where a budget alert stands in the outbox: waiting to be sent (also between retries), sent
 * and acknowledged with a 2xx, or given up after the last attempt.
 */
public enum AlertState {
    PENDING, DELIVERED, FAILED
}
