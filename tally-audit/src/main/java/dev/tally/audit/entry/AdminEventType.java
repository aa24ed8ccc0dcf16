package dev.tally.audit.entry;

/**
 * The closed set of admin event types: every admin mutation writes one of these, and so does the
 * system for what it does on its own (a retention run; a budget alert delivered by webhook, or
 * given up after its last attempt: {@code BUDGET_ALERT_DELIVERED}, {@code BUDGET_ALERT_FAILED}), and
 * {@code COST_ADJUSTMENT}: a call re-priced without editing its record ({@link dev.tally.audit.adjust.CostAdjustment}).
 */
public enum AdminEventType {
    KEY_CREATED, KEY_UPDATED, KEY_REVOKED, CONFIG_CHANGED, RETENTION_RUN, IMPORT_RUN, SETTING_CHANGED,
    BUDGET_ALERT_DELIVERED, BUDGET_ALERT_FAILED, COST_ADJUSTMENT
}
