package dev.tally.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.verify.Verifier;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Switching audit settings, logging off above all, is itself on the record: tested through the serve runtime. */
class AuditSettingsLogTest {

    @TempDir
    Path dir;

    private GatewayConfig config(String audit) {
        String yaml = "server:\n  host: 127.0.0.1\n  port: 0\nstore:\n  url: sqlite:" + dir.resolve("tally.db") + "\n"
                + "admin:\n  token: an-admin-token-for-tests\n" + audit;
        return ConfigLoader.parse(yaml, dir, Map.of());
    }

    private void run(GatewayConfig config) {
        GatewayRuntime.start(config, dir, Clock.systemUTC()).close();
    }

    private List<AdminEvent> configEvents() {
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            return store.events(new EventQuery("config_changed", null, null, 100, null)).data().stream()
                    .map(ChainedEntry::entry).map(AdminEvent.class::cast).toList().reversed();
        }
    }

    @Test
    void first_run_records_the_settings_and_an_unchanged_restart_records_nothing() {
        run(config(""));
        run(config(""));

        List<AdminEvent> events = configEvents();
        assertThat(events).hasSize(1);
        AdminEvent first = events.getFirst();
        assertThat(first.type()).isEqualTo(AdminEventType.CONFIG_CHANGED);
        assertThat(first.before()).isEmpty();
        assertThat(first.after()).containsEntry("durability", "async").containsEntry("payload", "off")
                .containsEntry("log_client_ip", "true").containsEntry("log_key_prefix", "true")
                .containsEntry("retention", "forever").containsEntry("redaction_patterns", "[]")
                .containsEntry("payload_retention", "30d").containsEntry("payload_max_bytes", "65536");
    }

    @Test
    void switching_retention_on_is_recorded_in_the_config_words() {
        run(config(""));
        run(config("audit:\n  retention: 90d\n  payload_retention: 7d\n"));

        List<AdminEvent> events = configEvents();
        assertThat(events).hasSize(2);
        assertThat(events.get(1).before()).isEqualTo(Map.of("retention", "forever", "payload_retention", "30d"));
        assertThat(events.get(1).after()).isEqualTo(Map.of("retention", "90d", "payload_retention", "7d"));
    }

    @Test
    void serve_keeps_payloads_when_asked_and_the_switch_is_on_the_record() {
        run(config(""));
        run(config("audit:\n  payload: redacted\n  redaction_patterns: ['ACME-\\d+']\n"));

        List<AdminEvent> events = configEvents();
        assertThat(events).hasSize(2);
        assertThat(events.get(1).before()).containsEntry("payload", "off");
        assertThat(events.get(1).after()).containsEntry("payload", "redacted");
    }

    @Test
    void switching_ip_logging_off_is_recorded_with_before_and_after_and_the_chain_still_verifies() {
        run(config(""));
        run(config("audit:\n  log_client_ip: false\n  durability: sync\n"));

        List<AdminEvent> events = configEvents();
        assertThat(events).hasSize(2);
        AdminEvent change = events.get(1);
        assertThat(change.before()).isEqualTo(Map.of("log_client_ip", "true", "durability", "async"));
        assertThat(change.after()).isEqualTo(Map.of("log_client_ip", "false", "durability", "sync"));
        assertThat(change.detail()).contains("log_client_ip", "durability");
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            assertThat(new Verifier(store).verify().ok()).isTrue();
        }
    }
}
