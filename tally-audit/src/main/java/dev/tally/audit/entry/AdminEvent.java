package dev.tally.audit.entry;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An admin change: a key created, updated or revoked, a configuration change, a retention
 * run. Written in the same store transaction as the change it records, so the change and its
 * record stand or fall together. {@code before} and {@code after} hold the changed settings
 * by name; they never hold a secret.
 *
 * @param id UUIDv7
 * @param timestamp when the change was made (UTC, ms)
 * @param type what kind of change
 * @param actor who made it ({@code admin-api}, {@code cli}, {@code system}, ...)
 * @param target what it changed (a key id, a setting group)
 * @param before the changed values before, by name; never null
 * @param after the changed values after, by name; never null
 * @param detail a human-readable summary
 */
public record AdminEvent(
        String id,
        Instant timestamp,
        AdminEventType type,
        String actor,
        String target,
        Map<String, String> before,
        Map<String, String> after,
        String detail) implements AuditEntry {

    public AdminEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(type, "type");
        timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
        before = before == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(before));
        after = after == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(after));
    }
}
