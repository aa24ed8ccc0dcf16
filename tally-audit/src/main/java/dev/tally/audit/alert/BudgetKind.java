package dev.tally.audit.alert;

/** What a budget counts: one virtual key's calls, one user's ({@code x-tally-user}), or one tag value's. */
public enum BudgetKind {
    KEY, USER, TAG
}
