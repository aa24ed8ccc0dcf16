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
 * {@code tally logs --follow} while another writer appends to the store: nothing committed before
 * the command started is shown; records committed after it show up in commit order, each once,
 * including a record of a call that started long before the others. Polls the output until the
 * expected text appears.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // the polling loops fail instead of hanging
class FollowTest {

    @TempDir
    Path dir;

    @Test
    void printsOnlyRecordsCommittedAfterItStartedInCommitOrderEachOnce() throws Exception {
        SeededStore seeded = SeededStore.write(dir);
        Following following = Following.start("logs", "--data", dir.toString(), "--follow", "--interval", "20ms");
        following.awaitErr("following new call records");
        following.awaitOutput("TIME (UTC)");

        Entries entries = new Entries();
        Instant now = Instant.now();
        CallRecord fresh = entries.call(now).model("fresh-model").build();
        // Started before the fresh call and ended after it: committed second, so shown second.
        CallRecord late = entries.call(now.minusSeconds(600)).model("late-model").build();
        CallRecord last = entries.call(now.minusSeconds(1)).model("last-model").build();
        Path liveDir = Files.createDirectories(dir.resolve("live"));
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"));
                Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw-live", liveDir), Clock.systemUTC())) {
            recorder.record(fresh);
            recorder.flush();
            following.awaitOutput(fresh.id());
            recorder.record(late);
            recorder.record(last);
            recorder.flush();
            following.awaitOutput(last.id());
        }

        int code = following.stop();

        assertThat(code).isZero();
        String out = following.out();
        for (CallRecord old : seeded.calls) {
            assertThat(out).doesNotContain(old.id());
        }
        assertThat(out.indexOf(fresh.id())).isLessThan(out.indexOf(late.id()));
        assertThat(out.indexOf(late.id())).isLessThan(out.indexOf(last.id()));
        assertThat(out).containsOnlyOnce(fresh.id()).containsOnlyOnce(late.id()).containsOnlyOnce(last.id())
                .containsOnlyOnce("TIME (UTC)");
        assertThat(out.lines().count()).isEqualTo(4); // the header and exactly the three new records
    }

    @Test
    void followKeepsToTheFilters() throws Exception {
        SeededStore.write(dir);
        Following following = Following.start("logs", "--data", dir.toString(), "--follow", "--json", "--interval", "20ms",
                "--model", "wanted", "--tag", "team=docs");
        following.awaitErr("following new call records");
        Entries entries = new Entries();
        Instant now = Instant.now();
        CallRecord otherModel = entries.call(now).model("other").tags(java.util.Map.of("team", "docs")).build();
        CallRecord otherTag = entries.call(now).model("wanted").tags(java.util.Map.of("team", "search")).build();
        CallRecord wanted = entries.call(now).model("wanted").tags(java.util.Map.of("team", "docs")).build();
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"));
                Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw-live",
                        Files.createDirectories(dir.resolve("live"))), Clock.systemUTC())) {
            recorder.record(otherModel);
            recorder.record(otherTag);
            recorder.record(wanted);
            recorder.flush();
            following.awaitOutput(wanted.id());
        }
        assertThat(following.stop()).isZero();
        String[] lines = following.out().split("\n");
        assertThat(lines).hasSize(1);
        assertThat(lines[0]).startsWith("{\"kind\":\"call\"").contains(wanted.id());
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

        void awaitErr(String text) throws InterruptedException {
            while (!err().contains(text)) {
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
