package dev.tally.audit.entry;

/** Where a record's token counts came from. */
public enum UsageSource {
    /** Reported by the provider. */
    REPORTED,
    /** Counted locally, e.g. the output of a stream the client cancelled. */
    ESTIMATED,
    /** Nothing known: token fields are absent. */
    UNKNOWN
}
