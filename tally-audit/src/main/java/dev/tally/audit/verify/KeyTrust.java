package dev.tally.audit.verify;

/** What a chain's signatures were checked against. */
public enum KeyTrust {
    /** Keys the verifier was given (pinned), and keys announced by heads signed with them. */
    PINNED,
    /**
     * Only keys the store itself lists: anyone who can write the store can register a key, so a
     * chain checked this way is never reported as trusted when pinned keys are given.
     */
    STORE_LISTED
}
