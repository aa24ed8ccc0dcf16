package dev.tally.audit.recorder.internal;

import java.io.IOException;

/** An append would take the spill journal past {@code journal_max_bytes}; nothing was appended. */
public final class JournalFullException extends IOException {

    public JournalFullException(String message) {
        super(message);
    }
}
