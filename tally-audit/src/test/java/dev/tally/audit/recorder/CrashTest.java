package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.recorder.internal.SpillJournal;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.verify.VerifyReport;
import dev.tally.audit.verify.Verifier;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a recording process ({@link CrashChild}) with SIGKILL at random moments, several times on
 * the same database, and checks after each kill what recovery promises: the chain verifies, every
 * entry the child saw flushed is there exactly once, no call is left open (in-flight ones are
 * interrupted), and a torn journal tail is cut and reported.
 *
 * <p>A SIGKILL cannot tear a write the kernel already accepted, so a torn tail (what a power cut
 * leaves) is made by hand in some rounds: half a record appended to the journal after the kill.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // its polling loops fail instead of hanging
class CrashTest {

    static final String CHAIN = "gw-crash";
    static final int ROUNDS = 4;

    @TempDir
    Path dir;

    @Test
    void recoveryAfterEveryKillKeepsEverythingThatWasFlushed() throws Exception {
        Path db = dir.resolve("tally.db");
        Path dataDir = dir.resolve("data");
        SplittableRandom random = new SplittableRandom(42);
        Set<String> everFlushed = new HashSet<>();
        long replayedAfterKills = 0;
        for (int round = 0; round < ROUNDS; round++) {
            boolean outages = round % 2 == 1;
            List<String> lines = runAndKill(db, dataDir, round, outages, 50 + random.nextInt(1200));
            Set<String> flushed = new HashSet<>();
            Set<String> opened = new HashSet<>();
            for (String line : lines) {
                if (line.endsWith(" .")) {
                    String id = line.substring(2, line.length() - 2);
                    (line.startsWith("C ") ? flushed : opened).add(id);
                }
            }
            assertThat(flushed).as("round %d: the child flushed something before the kill", round).isNotEmpty();
            everFlushed.addAll(flushed);

            long torn = round % 2 == 1 ? tearJournalTail(dataDir) : 0;
            try (SqliteAuditStore store = SqliteAuditStore.open(db);
                    Recorder recorder = Recorder.start(store, RecorderConfig.defaults(CHAIN, dataDir),
                            Clock.systemUTC())) {
                assertThat(recorder.journalTailBytesCut()).as("round %d: torn tail cut", round).isEqualTo(torn);
                VerifyReport report = new Verifier(store).verify();
                assertThat(report.ok()).as("round %d: %s", round, report).isTrue();
                for (String id : everFlushed) {
                    assertThat(store.entry(id)).as("round %d: flushed entry %s", round, id).isPresent();
                }
                assertThat(store.openings(CHAIN)).as("round %d: open calls left", round).isEmpty();
                for (String id : opened) {
                    Optional<ChainedEntry> closing = store.entry(id);
                    assertThat(closing).as("round %d: opened call %s has a record", round, id).isPresent();
                    assertThat(((CallRecord) closing.get().entry()).status()).isIn(CallStatus.SUCCESS,
                            CallStatus.INTERRUPTED);
                }
                List<String> ids = new ArrayList<>();
                store.scan(CHAIN, row -> ids.add(row.columns().id()));
                assertThat(ids).as("round %d: no entry twice", round).doesNotHaveDuplicates();
                assertThat(recorder.stats().lost()).isZero();
                replayedAfterKills += recorder.stats().replayed();
            }
        }
        assertThat(replayedAfterKills).as("spilled writes were replayed after a kill").isPositive();
    }

    /** Starts the child, lets it run {@code millis} after its first flush, kills it; returns its output lines. */
    List<String> runAndKill(Path db, Path dataDir, int round, boolean outages, long millis) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), CrashChild.class.getName(), db.toString(), dataDir.toString(),
                CHAIN, Long.toString(1000 + round), Boolean.toString(outages));
        builder.redirectError(dir.resolve("child-" + round + ".err").toFile());
        Process child = builder.start();
        List<String> lines = new ArrayList<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(line);
                        lines.notifyAll();
                    }
                }
            } catch (java.io.IOException e) {
                // the stream ends with the process
            }
        });
        // wait for the first flush, so each round kills a process that is committing under load
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (lines) {
            while (lines.stream().noneMatch(l -> l.startsWith("C ")) && child.isAlive()
                    && System.nanoTime() < deadline) {
                lines.wait(50);
            }
        }
        List<String> seen;
        synchronized (lines) { // the reader thread keeps adding: assert on a snapshot
            seen = new ArrayList<>(lines);
        }
        assertThat(seen).as("child %d flushed (see %s)", round, dir.resolve("child-" + round + ".err"))
                .anyMatch(l -> l.startsWith("C "));
        Thread.sleep(millis);
        if (outages) {
            // kill during an outage, after a flush that went to the journal
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!flushedDuringOutage(lines) && System.nanoTime() < until) {
                Thread.sleep(5);
            }
        }
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        reader.join();
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    /** Whether the store is down now and, since it went down, the child reported entries waiting in its journal. */
    static boolean flushedDuringOutage(List<String> lines) {
        synchronized (lines) {
            int down = lines.lastIndexOf("DOWN");
            return down > lines.lastIndexOf("UP") && lines.subList(down, lines.size()).contains("J");
        }
    }

    /** Appends the first half of a record to the journal, as a power cut mid-write leaves it. */
    static long tearJournalTail(Path dataDir) throws Exception {
        Path journal = dataDir.resolve(SpillJournal.FILE_NAME);
        byte[] payload = "{\"entry\":{\"kind\":\"security\"".getBytes(StandardCharsets.UTF_8);
        ByteBuffer half = ByteBuffer.allocate(8 + payload.length);
        half.putInt(200).putInt(0x1234).put(payload).flip();
        try (var channel = java.nio.channels.FileChannel.open(journal, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            channel.write(half);
        }
        return 8 + payload.length;
    }
}
