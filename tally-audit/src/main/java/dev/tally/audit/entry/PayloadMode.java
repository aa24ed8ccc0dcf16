package dev.tally.audit.entry;

/** Whether and how a call's request and response bodies were kept. */
public enum PayloadMode {
    NONE, HASH, REDACTED, FULL
}
