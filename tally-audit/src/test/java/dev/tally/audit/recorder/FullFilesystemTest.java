package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.store.StoredRow;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.verify.Verifier;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full file system: the whole data directory (SQLite database and the recorder's journal)
 * on a 20 MB tmpfs, filled up by a filler file while 16 callers write, then emptied. Needs root to
 * mount; skipped (an assumption, not a silent pass) when that is not possible.
 */
class FullFilesystemTest {

    @TempDir
    Path tmp;

    Path mount;
    boolean mounted;

    static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        return process.waitFor();
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            run("umount", "-l", mount.toString());
        }
    }

    @Test
    void nothingAcknowledgedIsLostAndTheRecorderRecoversWhenSpaceReturns() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
        mount = tmp.resolve("fs");
        Files.createDirectories(mount);
        mounted = run("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", mount.toString()) == 0;
        assumeTrue(mounted, "mount -t tmpfs failed (no privilege in this environment)");

        Path data = mount.resolve("data");
        Entries entries = new Entries(Clock.systemUTC(), 21);
        try (SqliteAuditStore store = SqliteAuditStore.open(data.resolve("tally.db"));
                Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw", data.resolve("gateway")),
                        Clock.systemUTC())) {
            recorder.recordAndWait(entries.call());
            Path filler = mount.resolve("filler");
            fill(filler);

            List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
            List<String> failed = Collections.synchronizedList(new ArrayList<>());
            List<String> async = Collections.synchronizedList(new ArrayList<>());
            boolean[] sawUnrecordable = new boolean[1];
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 60; i++) {
                        CallRecord call = entries.call();
                        try {
                            recorder.recordAndWait(call);
                            acknowledged.add(call.id());
                        } catch (StoreException e) {
                            failed.add(call.id());
                        }
                        CallRecord fired = entries.call();
                        async.add(fired.id());
                        recorder.record(fired);
                        if (!recorder.recordable()) {
                            sawUnrecordable[0] = true;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
            pool.shutdown();
            assertThat(sawUnrecordable[0] || failed.isEmpty()).isTrue();

            Files.delete(filler);
            long freed = System.nanoTime();
            long deadline = freed + Duration.ofSeconds(60).toNanos();
            while (!(recorder.recordable() && recorder.storeHealthy() && recorder.stats().journalBytes() == 0)) {
                assertThat(System.nanoTime()).as("recovered within 60 s").isLessThan(deadline);
                Thread.sleep(10);
            }
            long recoveredMillis = (System.nanoTime() - freed) / 1_000_000;
            recorder.recordAndWait(entries.call());
            recorder.flush();
            System.out.printf("full filesystem: %d acknowledged, %d refused to waiting callers, %d fire-and-forget,"
                    + " %d lost in all, recovered %d ms after space returned%n", acknowledged.size(), failed.size(),
                    async.size(), recorder.stats().lost(), recoveredMillis);

            List<StoredRow> rows = new ArrayList<>();
            store.scan("gw", rows::add);
            List<String> ids = rows.stream().map(r -> r.columns().id()).toList();
            assertThat(ids).doesNotHaveDuplicates().containsAll(acknowledged);
            if (!failed.isEmpty()) {
                assertThat(ids).doesNotContainAnyElementsOf(failed);
            }
            assertThat(rows).extracting(StoredRow::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, rows.size()).boxed().toList());
            long handedOver = 2 + acknowledged.size() + failed.size() + async.size();
            assertThat(rows.size() + recorder.stats().lost()).isEqualTo(handedOver);
            assertThat(new Verifier(store).verify().ok()).isTrue();
        }
    }

    @Test
    void onAFullDiskTheStoreProbeFailsWhereAnIdempotentRegistrationStillSucceeds() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to mount a tmpfs");
        mount = tmp.resolve("fs");
        Files.createDirectories(mount);
        mounted = run("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString()) == 0;
        assumeTrue(mounted, "mount -t tmpfs failed (no privilege in this environment)");
        Path filler = mount.resolve("filler");
        try (SqliteAuditStore store = SqliteAuditStore.open(mount.resolve("tally.db"))) {
            store.registerSigningKey("0123456789abcdef", "MCowBQYDK2VwAyEA");
            fill(filler);

            // What the recorder probed with before: it commits without writing a page, so a full
            // disk looked writable to the probe while every real commit failed.
            store.registerSigningKey("0123456789abcdef", "MCowBQYDK2VwAyEA");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
                // Enough probes to outgrow whatever free room the WAL file still had.
                for (int i = 0; i < 10_000; i++) {
                    store.probeWrite("0123456789abcdef", "MCowBQYDK2VwAyEA");
                }
            }).isInstanceOf(StoreException.class).hasMessageContaining("full");

            Files.delete(filler);
            store.probeWrite("0123456789abcdef", "MCowBQYDK2VwAyEA");
            assertThat(store.setting("_tally_write_probe")).isEmpty();
        }
    }

    /** Writes zeros until the file system is full. */
    static void fill(Path filler) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // No space left on device: the disk is full now
        }
    }
}
