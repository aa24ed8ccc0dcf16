package dev.tally.gateway.proxy;

import dev.tally.audit.entry.SecurityEventType;

/**
 * The security event that goes with a refused call's record (linked by request id), written by
 * {@link Audited} right after the record. Immutable.
 *
 * @param type what was refused
 * @param model the model asked for
 * @param httpStatus the status the client got
 * @param detail the message the client got
 */
record Refusal(SecurityEventType type, String model, int httpStatus, String detail) {
}
