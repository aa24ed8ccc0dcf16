package dev.tally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tally logs --follow} while another writer appends to the store: records written after
 * the command started show up, oldest first, including a late record of a call that started
 * before the newest one shown. Polls the output until the expected text appears.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // the polling loops fail instead of hanging
class FollowTest {

    @TempDir
    Path dir;

    @Test
    void recordsWrittenAfterTheStartShowUpOldestFirstUntilInterrupted() throws Exception {
        SeededStore seeded = SeededStore.write(dir);
        Following following = Following.start("logs", "--data", dir.toString(), "--follow", "--interval", "20ms",
                "--limit", "2");
        following.awaitOutput(seeded.calls.getLast().id());
        assertThat(following.out()).contains(seeded.calls.get(4).id()).doesNotContain(seeded.calls.get(3).id());

        Entries entries = new Entries();
        Instant now = Instant.now();
        CallRecord fresh = entries.call(now).model("fresh-model").build();
        CallRecord late = entries.call(now.minusSeconds(30)).model("late-model").build();
        Path liveDir = Files.createDirectories(dir.resolve("live"));
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"));
                Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw-live", liveDir), Clock.systemUTC())) {
            recorder.record(fresh);
            recorder.flush();
            following.awaitOutput(fresh.id());
            // A call that started before the newest one shown, written only now (it ended later).
            recorder.record(late);
            recorder.flush();
            following.awaitOutput(late.id());
        }

        int code = following.stop();

        assertThat(code).isZero();
        String out = following.out();
        assertThat(out.indexOf(seeded.calls.get(4).id())).isLessThan(out.indexOf(seeded.calls.getLast().id()));
        assertThat(out.indexOf(seeded.calls.getLast().id())).isLessThan(out.indexOf(fresh.id()));
        assertThat(out).containsOnlyOnce(fresh.id()).containsOnlyOnce(late.id()).containsOnlyOnce("TIME (UTC)");
        assertThat(following.err()).isEmpty();
    }

    @Test
    void jsonFollowPrintsOneRecordPerLine() throws Exception {
        SeededStore.write(dir);
        Following following = Following.start("logs", "--data", dir.toString(), "--follow", "--json", "--interval", "20ms");
        following.awaitLines(6);
        CallRecord fresh = new Entries().call(Instant.now()).build();
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"));
                Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw-live",
                        Files.createDirectories(dir.resolve("live"))), Clock.systemUTC())) {
            recorder.record(fresh);
            recorder.flush();
            following.awaitOutput(fresh.id());
        }
        assertThat(following.stop()).isZero();
        String[] lines = following.out().split("\n");
        assertThat(lines).hasSize(7);
        assertThat(lines[6]).startsWith("{\"kind\":\"call\"").contains(fresh.id());
    }

    /** A command running on its own thread, its output readable while it runs. */
    record Following(Thread thread, StringWriter outText, StringWriter errText, AtomicInteger code) {

        static Following start(String... args) {
            return startWith(java.util.Map.of(), args);
        }

        static Following startWith(java.util.Map<String, String> environment, String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            AtomicInteger code = new AtomicInteger(-1);
            Thread thread = Thread.ofPlatform().name("tally-follow").start(() -> {
                CommandLine line = TallyCommand.commandLine(environment);
                line.setOut(new PrintWriter(out, true));
                line.setErr(new PrintWriter(err, true));
                code.set(line.execute(args));
            });
            return new Following(thread, out, err, code);
        }

        String out() {
            return outText.toString();
        }

        String err() {
            return errText.toString();
        }

        void awaitOutput(String text) throws InterruptedException {
            while (!out().contains(text)) {
                assertThat(thread.isAlive()).as("command still running; err: %s", err()).isTrue();
                Thread.sleep(10);
            }
        }

        void awaitLines(int n) throws InterruptedException {
            while (out().split("\n").length < n || out().isEmpty()) {
                assertThat(thread.isAlive()).as("command still running; err: %s", err()).isTrue();
                Thread.sleep(10);
            }
        }

        int stop() throws InterruptedException {
            thread.interrupt();
            thread.join();
            return code.get();
        }
    }
}
