package dev.tally.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.gateway.logging.LogFormat;
import dev.tally.gateway.logging.LogLevel;
import dev.tally.gateway.logging.LogSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins the defaults and the full mapping of the {@code logging} keys, and their errors. */
class LoggingConfigTest {

    private static final Path DATA = Path.of("./data");

    @Test
    void byDefaultTextAtInfoWithTheLibrariesQuieted() {
        LogSettings logging = ConfigLoader.parse("", DATA, Map.of()).logging();

        assertThat(logging).isEqualTo(new LogSettings(LogFormat.TEXT, LogLevel.INFO, Map.of()))
                .isEqualTo(LogSettings.defaults());
        assertThat(logging.effectiveLevels()).containsEntry("io.helidon", LogLevel.WARN)
                .containsEntry("org.flywaydb", LogLevel.WARN);
    }

    @Test
    void everyKeyMapsAndConfiguredLevelsWinOverTheDefaults() {
        LogSettings logging = ConfigLoader.parse("""
                logging:
                  format: JSON
                  level: debug
                  levels:
                    io.helidon: info
                    dev.tally.gateway.server: trace
                """, DATA, Map.of()).logging();

        assertThat(logging.format()).isEqualTo(LogFormat.JSON);
        assertThat(logging.level()).isEqualTo(LogLevel.DEBUG);
        assertThat(logging.levels()).containsExactly(Map.entry("io.helidon", LogLevel.INFO),
                Map.entry("dev.tally.gateway.server", LogLevel.TRACE));
        assertThat(logging.effectiveLevels()).containsEntry("io.helidon", LogLevel.INFO)
                .containsEntry("org.flywaydb", LogLevel.WARN);
    }

    @Test
    void theFormatMayComeFromTheEnvironment() {
        LogSettings logging = ConfigLoader.parse("logging: {format: \"${LOG_FORMAT}\"}\n", DATA,
                Map.of("LOG_FORMAT", "json")).logging();

        assertThat(logging.format()).isEqualTo(LogFormat.JSON);
    }

    @Test
    void badValuesNameTheKeyTheValueAndTheExpectation() {
        assertThatThrownBy(() -> ConfigLoader.parse("logging: {format: xml}\n", DATA, Map.of()))
                .hasMessage("logging.format: 'xml' (expected: text or json)");
        assertThatThrownBy(() -> ConfigLoader.parse("logging: {level: verbose}\n", DATA, Map.of()))
                .hasMessage("logging.level: 'verbose' (expected: one of error, warn, info, debug, trace, off)");
        assertThatThrownBy(() -> ConfigLoader.parse("logging: {levels: {io.helidon: loud}}\n", DATA, Map.of()))
                .hasMessage("logging.levels.io.helidon: 'loud' (expected: one of error, warn, info, debug, trace, off)");
        assertThatThrownBy(() -> ConfigLoader.parse("logging: {levels: {\"not a logger\": info}}\n", DATA, Map.of()))
                .hasMessageStartingWith("logging.levels: 'not a logger' (expected: a logger name");
        assertThatThrownBy(() -> ConfigLoader.parse("logging: {colour: true}\n", DATA, Map.of()))
                .hasMessageContaining("logging.colour: unknown key");
    }
}
