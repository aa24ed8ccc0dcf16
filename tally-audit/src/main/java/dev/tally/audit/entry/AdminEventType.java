package dev.tally.audit.entry;

/** The closed set of admin event types: every admin mutation writes one of these. */
public enum AdminEventType {
    KEY_CREATED, KEY_UPDATED, KEY_REVOKED, CONFIG_CHANGED, RETENTION_RUN, IMPORT_RUN, SETTING_CHANGED
}
