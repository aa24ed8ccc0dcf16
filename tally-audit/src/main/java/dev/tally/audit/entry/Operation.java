package dev.tally.audit.entry;

/** The kind of LLM operation a call performed. */
public enum Operation {
    CHAT, COMPLETION, EMBEDDING, RESPONSE, MESSAGE, MODELS
}
