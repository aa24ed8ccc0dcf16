package dev.tally.audit.recorder;

import dev.tally.audit.testing.SqliteTestStore;
import dev.tally.audit.keys.VirtualKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the recorder tests share: a real SQLite store in a temporary directory (with fault switches), a mutable clock, an entry factory and the
 * recorders a test started, closed after it.
 */
abstract class RecorderFixture {

    static final String CHAIN = "gw-1";

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    final Entries entries = new Entries(clock, 7);
    final SqliteTestStore store = new SqliteTestStore();
    final List<Recorder> started = new ArrayList<>();

    Recorder start(RecorderConfig config) {
        Recorder recorder = Recorder.start(store, config, clock);
        started.add(recorder);
        return recorder;
    }

    RecorderConfig config() {
        return RecorderConfig.defaults(CHAIN, dir);
    }

    @AfterEach
    void closeAll() {
        started.forEach(Recorder::close);
        store.close();
    }

    List<String> storedIds() {
        return store.entries(CHAIN).stream().map(e -> e.entry().id()).toList();
    }

    static VirtualKey key(String id, String name) {
        return new VirtualKey(id, name, "ab".repeat(32), "tk-" + id, List.of(), null, null, null, null, null, true,
                null, Map.of(), Instant.parse("2026-03-01T10:00:00Z"), null);
    }
}
