package dev.tally.cli.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only {@code keys create} ever shows the secret: no other output, file or log line holds it. */
class KeysSecretTest {

    @TempDir
    Path dir;

    @Test
    void theSecretIsPrintedByCreateOnlyAndWrittenNowhere() throws Exception {
        List<String> logLines = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                logLines.add(r.getMessage() + " " + r.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Level old = root.getLevel();
        root.addHandler(capture);
        root.setLevel(Level.ALL);
        String data = "--data=" + dir;
        List<KeysRun> later = new ArrayList<>();
        String secret;
        try {
            KeysRun created = KeysRun.of("keys", "create", data, "--name", "ci-bot", "--rpm", "60");
            Matcher m = Pattern.compile("secret: (tk-\\S+)").matcher(created.out());
            assertThat(m.find()).isTrue();
            secret = m.group(1);
            later.add(KeysRun.of("keys", "list", data));
            later.add(KeysRun.of("keys", "list", data, "--json"));
            later.add(KeysRun.of("keys", "update", data, "ci-bot", "--rpm", "5"));
            later.add(KeysRun.of("keys", "create", data, "--name", "ci-bot")); // fails: name taken
            later.add(KeysRun.of("keys", "revoke", data, "ci-bot"));
        } finally {
            root.removeHandler(capture);
            root.setLevel(old);
        }

        String hidden = secret.substring(10);
        assertThat(later).hasSize(5).allSatisfy(r -> assertThat(r.out() + r.err()).doesNotContain(hidden));
        assertThat(String.join("\n", logLines)).doesNotContain(hidden);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).extracting(p -> p.getFileName().toString()).contains("tally.db");
        for (Path file : files) {
            assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as("%s", file)
                    .doesNotContain(hidden);
        }
    }
}
