package dev.tally.audit.store;

import java.util.Optional;

/**
 * Admin settings by name (written through {@link AdminChange.PutSetting}). One role of
 * {@link AuditStore}; thread-safe.
 */
public interface SettingReads {

    /** An admin setting by name. */
    Optional<String> setting(String name);
}
