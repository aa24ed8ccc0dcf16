package dev.tally.audit.entry;

/** The wire protocol a client spoke to the gateway. */
public enum Protocol {
    OPENAI, ANTHROPIC
}
