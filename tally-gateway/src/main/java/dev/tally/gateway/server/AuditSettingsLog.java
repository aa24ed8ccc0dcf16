package dev.tally.gateway.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.json.Json;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.SettingReads;
import dev.tally.gateway.config.Durations;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.keys.AdminLog;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Puts changes of the audit-relevant settings on the record. At start, the settings that decide
 * what the log keeps (durability, payload policy, redaction patterns, client IP and key prefix
 * logging, retention of entries and payloads, the payload size cap) are compared with those of the last run, kept in the store's admin
 * setting {@value #SETTING}; when they differ (or on the very first run) a
 * {@code config_changed} admin event with the changed values before and after is committed in
 * the same transaction as the new settings. So switching logging off is itself in the log.
 * None of these settings is a secret; secrets are never part of the comparison.
 *
 * <p>Blocking: returns after the event is durable. Thread-safe (stateless).
 */
public final class AuditSettingsLog {

    /** The admin setting holding the last run's audit settings as a JSON object. */
    public static final String SETTING = "audit.settings";

    private AuditSettingsLog() {
    }

    /** The audit-relevant settings of {@code audit}, by name, as written in events. */
    public static Map<String, String> settingsOf(GatewayConfig.Audit audit) {
        Map<String, String> out = new TreeMap<>();
        out.put("durability", Json.wire(audit.durability()));
        out.put("payload", Json.wire(audit.payload()));
        out.put("redaction_patterns", toJson(audit.redactionPatterns()));
        out.put("log_client_ip", Boolean.toString(audit.logClientIp()));
        out.put("log_key_prefix", Boolean.toString(audit.logKeyPrefix()));
        out.put("retention", audit.retention().map(Durations::format).orElse("forever"));
        out.put("payload_retention", audit.payloadRetention().map(Durations::format).orElse("forever"));
        out.put("payload_max_bytes", Integer.toString(audit.payloadMaxBytes()));
        return out;
    }

    /**
     * Writes a {@code config_changed} event when the settings differ from the last run's.
     *
     * @return the event written, or empty when nothing changed
     * @throws dev.tally.audit.store.StoreException when the store cannot be written
     */
    public static Optional<AdminEvent> record(GatewayConfig.Audit audit, SettingReads store, AdminLog log, IdSource ids,
            Clock clock) throws InterruptedException {
        Map<String, String> now = settingsOf(audit);
        Map<String, String> last = store.setting(SETTING).map(AuditSettingsLog::parse).orElse(Map.of());
        Map<String, String> before = new TreeMap<>();
        Map<String, String> after = new TreeMap<>();
        for (String name : now.keySet()) {
            if (!now.get(name).equals(last.get(name))) {
                if (last.containsKey(name)) {
                    before.put(name, last.get(name));
                }
                after.put(name, now.get(name));
            }
        }
        if (after.isEmpty()) {
            return Optional.empty();
        }
        String detail = last.isEmpty()
                ? "audit settings of the first run"
                : "audit settings changed since the last run: " + String.join(", ", after.keySet());
        AdminEvent event = new AdminEvent(ids.next(), clock.instant(), AdminEventType.CONFIG_CHANGED, "system",
                SETTING, before, after, detail);
        log.commit(new AdminChange.PutSetting(SETTING, toJson(now)), event);
        return Optional.of(event);
    }

    private static Map<String, String> parse(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            // An unreadable previous value is treated as unknown: every setting is then logged as changed.
            return Map.of();
        }
    }

    private static String toJson(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("settings cannot be encoded", e);
        }
    }
}
