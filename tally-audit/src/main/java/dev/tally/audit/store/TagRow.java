package dev.tally.audit.store;

import java.util.Objects;

/**
 * One stored tag of a call record (the {@code call_tags} table), named by the entry it belongs
 * to. Immutable, thread-safe.
 *
 * @param chain the call record's chain
 * @param seq the call record's seq
 * @param name tag name
 * @param value tag value
 */
public record TagRow(String chain, long seq, String name, String value) {

    public TagRow {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
