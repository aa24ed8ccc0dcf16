package dev.tally.audit.entry;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * One entry of the audit log: a call, a security event or an admin event.
 *
 * <p>Entries are values without a position; the writer gives each one its chain, sequence
 * number and hashes when it appends it (see {@link dev.tally.audit.chain.ChainedEntry}).
 * The JSON form carries a {@code kind} discriminator: {@code call}, {@code security} or
 * {@code admin}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
    @JsonSubTypes.Type(value = CallRecord.class, name = "call"),
    @JsonSubTypes.Type(value = SecurityEvent.class, name = "security"),
    @JsonSubTypes.Type(value = AdminEvent.class, name = "admin")
})
public sealed interface AuditEntry permits CallRecord, SecurityEvent, AdminEvent {

    /** The entry's UUIDv7, time-ordered. */
    String id();

    /** When the entry happened: a call's start, an event's occurrence. Millisecond precision. */
    Instant timestamp();

    /** The discriminator written as {@code kind}. */
    default EntryKind kind() {
        return switch (this) {
            case CallRecord ignored -> EntryKind.CALL;
            case SecurityEvent ignored -> EntryKind.SECURITY;
            case AdminEvent ignored -> EntryKind.ADMIN;
        };
    }
}
