package dev.tally.gateway.stream;

import java.util.Objects;

/**
 * One server-sent event as read from a provider.
 *
 * @param event the {@code event:} field, or null when absent
 * @param data the {@code data:} lines joined with {@code \n}, or null when there was none
 * @param raw the event's exact bytes, blank line included, forwarded to the client unchanged
 */
public record SseEvent(String event, String data, byte[] raw) {

    public SseEvent {
        Objects.requireNonNull(raw, "raw");
    }
}
