package dev.tally.gateway.keys;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.AuditEntry;
import dev.tally.audit.id.IdSource;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.AuditStore;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A real SQLite store in a directory, with the real recorder and a key service on it, for
 * tests. Close it at the end of the test. Not thread-safe.
 */
public final class StoreFixture implements AutoCloseable {

    public final Path dir;
    public final MutableClock clock;
    public final AuditStore store;
    public final Recorder recorder;
    public final KeyService keys;

    public StoreFixture(Path dir, MutableClock clock) {
        this(dir, clock, SqliteAuditStore.open(dir.resolve("tally.db")));
    }

    /** On {@code store}, e.g. a wrapper that fails on demand. */
    public StoreFixture(Path dir, MutableClock clock, AuditStore store) {
        this.dir = dir;
        this.clock = clock;
        this.store = store;
        this.recorder = Recorder.start(store, RecorderConfig.defaults("gw-test", dir), clock);
        this.keys = service(Duration.ofSeconds(1));
    }

    /** Another key service on the same store, as another process or instance would have. */
    public KeyService service(Duration cacheTtl) {
        return new KeyService(store, recorder::commitChange, new IdSource(clock, new SplittableRandom(7)),
                new SecureRandom(), clock, cacheTtl);
    }

    /** Every admin event in the store, oldest first. */
    public List<AdminEvent> adminEvents() {
        List<AdminEvent> out = new ArrayList<>();
        for (AuditEntry e : entries()) {
            if (e instanceof AdminEvent a) {
                out.add(a);
            }
        }
        return out;
    }

    /** Every security and admin event in the store, oldest first. */
    public List<AuditEntry> entries() {
        List<AuditEntry> out = new ArrayList<>();
        EventQuery q = new EventQuery(null, null, null, 1000, null);
        while (true) {
            var page = store.events(q);
            page.data().stream().map(ChainedEntry::entry).forEach(out::add);
            if (page.nextCursor() == null) {
                break;
            }
            q = q.after(page.nextCursor());
        }
        return out.reversed();
    }

    @Override
    public void close() {
        try {
            recorder.close();
        } finally {
            store.close();
        }
    }
}
