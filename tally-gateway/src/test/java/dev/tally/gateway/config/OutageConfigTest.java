package dev.tally.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.recorder.WhenUnrecordable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins {@code audit.when_unrecordable}, {@code audit.journal_max_bytes} and {@code server.shutdown_timeout}. */
class OutageConfigTest {

    private static final Path DATA = Path.of("./data");

    private static GatewayConfig parse(String yaml) {
        return ConfigLoader.parse(yaml, DATA, Map.of());
    }

    @Test
    void the_defaults_refuse_cap_the_journal_at_256_mib_and_give_shutdown_30_seconds() {
        GatewayConfig c = parse("");

        assertThat(c.audit().whenUnrecordable()).isEqualTo(WhenUnrecordable.REFUSE);
        assertThat(c.audit().journalMaxBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(c.server().shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void each_key_maps_to_its_field() {
        GatewayConfig c = parse("""
                server: {shutdown_timeout: 5s}
                audit: {when_unrecordable: allow, journal_max_bytes: 64MiB}
                """);

        assertThat(c.audit().whenUnrecordable()).isEqualTo(WhenUnrecordable.ALLOW);
        assertThat(c.audit().journalMaxBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(c.server().shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(parse("audit: {journal_max_bytes: 2097152}").audit().journalMaxBytes()).isEqualTo(2_097_152);
        assertThat(parse("audit: {journal_max_bytes: 1GiB}").audit().journalMaxBytes()).isEqualTo(1L << 30);
        assertThat(parse("audit: {journal_max_bytes: 2048KiB}").audit().journalMaxBytes()).isEqualTo(2L << 20);
    }

    @Test
    void bad_values_name_the_key_the_value_and_the_expectation() {
        assertThatThrownBy(() -> parse("audit: {when_unrecordable: maybe}"))
                .hasMessageContaining("audit.when_unrecordable").hasMessageContaining("maybe");
        assertThatThrownBy(() -> parse("audit: {journal_max_bytes: 10MB}"))
                .hasMessage("audit.journal_max_bytes: '10MB' (expected: a size of at least 1048576 bytes, e.g. 268435456 or 256MiB)");
        assertThatThrownBy(() -> parse("audit: {journal_max_bytes: 1000}"))
                .hasMessageContaining("audit.journal_max_bytes: '1000'");
        assertThatThrownBy(() -> parse("audit: {journal_max_bytes: 99999999999999999999GiB}"))
                .hasMessageContaining("audit.journal_max_bytes");
        assertThatThrownBy(() -> parse("server: {shutdown_timeout: 0s}"))
                .hasMessageContaining("server.shutdown_timeout");
        assertThatThrownBy(() -> parse("audit: {durability: sync, when_unrecordable: allow}"))
                .hasMessage("audit.when_unrecordable: 'allow' (expected: refuse with audit.durability: sync;"
                        + " sync mode never answers a call it could not record)");
    }
}
