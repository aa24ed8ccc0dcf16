package dev.tally.gateway.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.json.Json;
import dev.tally.gateway.auth.AuthOutcome;
import dev.tally.gateway.auth.BruteForcePolicy;
import dev.tally.gateway.auth.KeyAuthenticator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Greps everything the key lifecycle writes — store files, journal, events, logs — for the secret. */
class SecretNeverWrittenTest {

    @TempDir
    Path dir;

    /** Captures every log record at every level, formatted with its stack trace. */
    static final class CapturingHandler extends Handler {
        final List<String> lines = new ArrayList<>();

        @Override
        public synchronized void publish(LogRecord r) {
            StringBuilder line = new StringBuilder(String.valueOf(r.getMessage()));
            if (r.getParameters() != null) {
                for (Object p : r.getParameters()) {
                    line.append(' ').append(p);
                }
            }
            if (r.getThrown() != null) {
                ByteArrayOutputStream trace = new ByteArrayOutputStream();
                r.getThrown().printStackTrace(new PrintStream(trace, true, StandardCharsets.UTF_8));
                line.append(' ').append(trace.toString(StandardCharsets.UTF_8));
            }
            lines.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theSecretIsInNoFileNoEventAndNoLogLine() throws Exception {
        Logger root = Logger.getLogger("");
        Level oldLevel = root.getLevel();
        CapturingHandler logs = new CapturingHandler();
        logs.setLevel(Level.ALL);
        root.addHandler(logs);
        root.setLevel(Level.ALL);
        MutableClock clock = MutableClock.at("2026-11-23T10:00:00Z");
        String secret;
        String hash;
        List<AuditEntry> entries;
        try (StoreFixture fx = new StoreFixture(dir, clock)) {
            CreatedKey created = fx.keys.create(KeySettings.named("ci-bot").withRequestsPerMinute(5L), "test");
            secret = created.secret();
            hash = created.key().secretHash();
            KeyAuthenticator auth = new KeyAuthenticator(fx.keys, clock, BruteForcePolicy.DEFAULT, d -> { });
            assertThat(auth.authenticate(secret, "10.0.0.1")).isInstanceOf(AuthOutcome.Allowed.class);
            for (int i = 0; i < 8; i++) {
                auth.authenticate(secret.substring(0, 45) + "x", "10.0.0.1"); // near miss, slowed down
            }
            fx.recorder.record(CallRecord.builder().id(new IdSource(clock, new SplittableRandom(1)).next())
                    .startedAt(clock.instant()).keyId(created.key().id()).keyName("ci-bot")
                    .keyPrefix(created.key().prefix()).status(CallStatus.SUCCESS).build());
            fx.keys.update("ci-bot", s -> s.withEnabled(false), "test");
            fx.keys.revoke("ci-bot", "test");
            assertThat(auth.authenticate(secret, "10.0.0.1")).isInstanceOf(AuthOutcome.Denied.class);
            fx.recorder.flush();
            entries = fx.entries();
        } finally {
            root.removeHandler(logs);
            root.setLevel(oldLevel);
        }

        String hidden = secret.substring(KeySecrets.PREFIX_LENGTH); // the part that is never public
        assertThat(entries).hasSizeGreaterThanOrEqualTo(3);
        for (AuditEntry e : entries) {
            String json = Json.mapper().writeValueAsString(e);
            assertThat(json).doesNotContain(hidden).doesNotContain(hash);
        }
        assertThat(String.join("\n", logs.lines)).doesNotContain(hidden);
        List<Path> files = allFiles(dir);
        assertThat(files).anyMatch(p -> p.getFileName().toString().equals("tally.db"));
        for (Path file : files) {
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(bytes).as("contents of %s", file).doesNotContain(hidden);
        }
    }

    private static List<Path> allFiles(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }
}
