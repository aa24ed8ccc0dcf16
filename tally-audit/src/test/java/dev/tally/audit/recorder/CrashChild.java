package dev.tally.audit.recorder;

import dev.tally.audit.testing.FaultyStore;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The process {@link CrashTest} kills: records calls under load into a SQLite store until it is
 * killed with SIGKILL. With outages on, the store refuses writes for 300 ms of every 600 ms (the
 * child prints {@code DOWN} and {@code UP}), so the spill journal can be in use when the kill comes.
 *
 * <p>Arguments: database file, data dir, chain, seed, outages (true/false). Prints {@code READY}
 * once started; after each {@link Recorder#flush()} prints {@code C <id> .} for every entry and
 * {@code O <id> .} for every opening marker handed over before the flush (a line without the
 * trailing dot was cut by the kill and does not count), then {@code J} when some of what this
 * process spilled has not been replayed yet (its journal holds entries).
 */
public final class CrashChild {

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        Path dataDir = Path.of(args[1]);
        String chain = args[2];
        long seed = Long.parseLong(args[3]);
        boolean outages = Boolean.parseBoolean(args[4]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        FaultyStore store = new FaultyStore(SqliteAuditStore.open(db));
        Recorder recorder = Recorder.start(store,
                RecorderConfig.defaults(chain, dataDir).withQueueCapacity(256).withCheckpointEvery(100),
                Clock.systemUTC());
        Entries entries = new Entries(Clock.systemUTC(), seed);
        long replayedAtStart = recorder.stats().replayed(); // a journal left by the previous kill
        if (outages) {
            Thread.ofPlatform().daemon(true).start(() -> {
                while (true) {
                    sleep(300);
                    synchronized (out) {
                        store.down = true;
                        out.println("DOWN");
                        out.flush();
                    }
                    sleep(300);
                    synchronized (out) {
                        store.down = false;
                        out.println("UP");
                        out.flush();
                    }
                }
            });
        }
        synchronized (out) {
            out.println("READY");
            out.flush();
        }
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            SplittableRandom random = new SplittableRandom(seed * 31 + w);
            workers.add(Thread.ofVirtual().start(() -> work(recorder, entries, random, out, replayedAtStart)));
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    private static void work(Recorder recorder, Entries entries, SplittableRandom random, PrintStream out,
            long replayedAtStart) {
        List<String> handedOver = new ArrayList<>();
        List<String> opened = new ArrayList<>();
        try {
            while (true) {
                for (int i = 0; i < 40; i++) {
                    String id = entries.nextId();
                    recorder.open(entries.opening(id));
                    opened.add(id);
                    if (random.nextInt(10) == 0) {
                        var event = entries.security();
                        recorder.record(event);
                        handedOver.add(event.id());
                    }
                    if (random.nextInt(5) != 0) { // one call in five is still running when the flush comes
                        recorder.record(entries.call(id));
                        handedOver.add(id);
                    }
                }
                recorder.flush();
                StringBuilder lines = new StringBuilder();
                handedOver.forEach(id -> lines.append("C ").append(id).append(" .\n"));
                opened.forEach(id -> lines.append("O ").append(id).append(" .\n"));
                RecorderStats stats = recorder.stats();
                if (stats.spilled() > stats.replayed() - replayedAtStart) {
                    lines.append("J\n"); // some of what this process spilled is still in the journal
                }
                synchronized (out) {
                    out.print(lines);
                    out.flush();
                }
                handedOver.clear();
                opened.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
