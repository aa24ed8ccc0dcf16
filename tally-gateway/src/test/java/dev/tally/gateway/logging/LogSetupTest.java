package dev.tally.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One line per entry, whoever logs: JUL (Helidon), {@code System.Logger} (Tally) and SLF4J
 * (through {@code slf4j-jdk14}) all end in the handler {@link LogSetup} installs, in text or JSON,
 * at the configured levels.
 */
class LogSetupTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        LogSetup.install(LogSettings.defaults());
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void textIsOneLinePerEntryWithTimeLevelAreaAndMessage() {
        LineFormatter text = new LineFormatter(LogFormat.TEXT);
        LogRecord entry = new LogRecord(Level.WARNING, "journal at {0}%\nstill writing");
        entry.setParameters(new Object[] {"90"});
        entry.setLoggerName("dev.tally.audit.recorder.Recorder");
        entry.setInstant(Instant.parse("2026-12-03T23:12:48.123456Z"));
        entry.setThrown(new IOException("disk full", new IllegalStateException("no space")));

        assertThat(text.format(entry)).isEqualTo("2026-12-03T23:12:48.123Z WARN  recorder  journal at 90%\\nstill writing"
                + " | java.io.IOException: disk full; caused by java.lang.IllegalStateException: no space" + System.lineSeparator());
    }

    @Test
    void jsonIsOneObjectPerLineWithEveryCharacterEscaped() {
        LineFormatter json = new LineFormatter(LogFormat.JSON);
        LogRecord entry = new LogRecord(Level.SEVERE, "said \"no\"\tthen\nleft \\ \u0001");
        entry.setLoggerName("io.helidon.webserver.LoomServer");
        entry.setInstant(Instant.parse("2026-12-03T23:12:48Z"));

        assertThat(json.format(entry)).isEqualTo("{\"time\":\"2026-12-03T23:12:48.000Z\",\"level\":\"ERROR\","
                + "\"logger\":\"io.helidon.webserver.LoomServer\",\"message\":\"said \\\"no\\\"\\tthen\\nleft \\\\ \\u0001\"}"
                + System.lineSeparator());
    }

    @Test
    void theAreaIsTallysFeatureOrTheLibrarysName() {
        assertThat(LineFormatter.area("dev.tally.gateway.server.GatewayRuntime")).isEqualTo("server");
        assertThat(LineFormatter.area("io.helidon.webserver.LoomServer")).isEqualTo("helidon");
        assertThat(LineFormatter.area("org.flywaydb.core.Flyway")).isEqualTo("flywaydb");
        assertThat(LineFormatter.area("audit")).isEqualTo("audit");
    }

    @Test
    void julSystemLoggerAndSlf4jAllWriteOneLineEachThroughTheOneHandler() {
        LogSetup.install(new LogSettings(LogFormat.TEXT, LogLevel.INFO, Map.of()), out);

        Logger.getLogger("io.helidon.test.Jul").info("from helidon");
        System.getLogger("dev.tally.gateway.test.Platform").log(System.Logger.Level.WARNING, "from tally");
        org.slf4j.LoggerFactory.getLogger("org.example.lib.Slf4j").info("from slf4j {}", 42);

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN  test  from tally");
        assertThat(lines().get(1)).endsWith("INFO  example  from slf4j 42");
        // io.helidon's INFO is below its default level (warn): the start-up chatter is not printed.
    }

    @Test
    void configuredLevelsOverrideTheDefaultsAndInstallingAgainReplacesTheSetUp() {
        LogSetup.install(new LogSettings(LogFormat.JSON, LogLevel.WARN, Map.of("io.helidon", LogLevel.INFO)), out);
        Logger.getLogger("io.helidon.test.Jul").info("helidon shown");
        Logger.getLogger("dev.tally.gateway.test.Other").info("tally info hidden");

        LogSetup.install(LogSettings.commandLine(), out);
        Logger.getLogger("io.helidon.test.Jul").warning("helidon warning");

        assertThat(lines()).hasSize(2);
        assertThat(lines().get(0)).startsWith("{\"time\":").contains("\"message\":\"helidon shown\"");
        assertThat(lines().get(1)).endsWith("WARN  helidon  helidon warning");
        assertThat(Logger.getLogger("").getHandlers()).hasSize(1);
    }
}
