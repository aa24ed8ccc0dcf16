package dev.tally.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.AdminEvent;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.query.EventQuery;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.StoredPayload;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import dev.tally.audit.verify.Verifier;
import dev.tally.gateway.config.ConfigLoader;
import dev.tally.gateway.config.GatewayConfig;
import dev.tally.gateway.keys.MutableClock;
import dev.tally.gateway.retention.RetentionRun;
import dev.tally.gateway.retention.RetentionStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled retention as {@code tally serve} runs it: a log with months of history, a gateway
 * started with {@code audit.retention: 90d} and {@code audit.payload_retention: 30d}, and what
 * is left after its first run.
 */
class ServeRetentionTest {

    static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    static final String SHA = "d".repeat(64);

    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(T);
    final Entries entries = new Entries();

    private GatewayConfig config(String audit) {
        return ConfigLoader.parse("server: {host: 127.0.0.1, port: 0}\nstore: {url: 'sqlite:" + dir.resolve("tally.db")
                + "'}\nadmin: {token: an-admin-token-for-tests}\naudit: " + audit + "\n", dir, Map.of());
    }

    /** Calls with full payloads written on this instance's own chain, as earlier runs of the gateway left them. */
    private List<CallRecord> history(Instant... times) throws InterruptedException {
        String chain = GatewayRuntime.instanceId(dir.resolve("gateway"));
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"));
                Recorder recorder = Recorder.start(store, RecorderConfig.defaults(chain, dir.resolve("gateway")), clock)) {
            List<CallRecord> calls = new java.util.ArrayList<>();
            for (Instant at : times) {
                clock.set(at);
                CallRecord call = entries.call(at).payload(PayloadMode.FULL).build();
                recorder.recordAndWait(call, new StoredPayload(call.id(), PayloadMode.FULL, "q", "a", SHA, SHA, false, at));
                calls.add(call);
            }
            return calls;
        }
    }

    @Test
    void serve_prunes_old_entries_at_start_leaves_an_anchor_and_events_and_the_log_verifies() throws Exception {
        List<CallRecord> calls = history(T, T.plus(Duration.ofHours(5)), T.plus(Duration.ofDays(60)),
                T.plus(Duration.ofDays(95)));
        clock.set(T.plus(Duration.ofDays(100)));

        RetentionStats stats;
        try (GatewayRuntime serve = GatewayRuntime.start(config("{retention: 90d, payload_retention: 30d}"), dir, clock)) {
            awaitFirstRun(serve);
            stats = serve.retention().orElseThrow();
        }

        assertThat(stats.failedRuns()).isZero();
        assertThat(stats.entriesDeleted()).isEqualTo(2);
        assertThat(stats.payloadsDeleted()).isEqualTo(1);
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            assertThat(store.entry(calls.get(0).id())).isEmpty();
            assertThat(store.entry(calls.get(1).id())).isEmpty();
            assertThat(store.payload(calls.get(0).id())).isEmpty();
            assertThat(store.entry(calls.get(2).id())).isPresent();
            assertThat(store.payload(calls.get(2).id())).as("past the payload retention").isEmpty();
            assertThat(store.entry(calls.get(3).id())).isPresent();
            assertThat(store.payload(calls.get(3).id())).isPresent();

            String chain = GatewayRuntime.instanceId(dir.resolve("gateway"));
            assertThat(store.anchor(chain).orElseThrow().seq()).isEqualTo(2);
            assertThat(new Verifier(store).verify().ok()).as("what remains still verifies").isTrue();
            List<AdminEvent> events = store.events(new EventQuery("retention_run", null, null, 10, null)).data().stream()
                    .map(ChainedEntry::entry).map(AdminEvent.class::cast).toList();
            assertThat(events).extracting(AdminEvent::target).containsExactlyInAnyOrder(chain, RetentionRun.PAYLOADS_TARGET);
            assertThat(events).allSatisfy(e -> assertThat(e.timestamp()).isEqualTo(T.plus(Duration.ofDays(100))));
        }
    }

    @Test
    void with_everything_kept_forever_no_schedule_runs() {
        try (GatewayRuntime serve = GatewayRuntime.start(config("{retention: forever, payload_retention: forever}"), dir,
                clock)) {
            assertThat(serve.retention()).isEmpty();
        }
    }

    /** The first run starts with the server, on the scheduler's thread; fails after five minutes instead of hanging. */
    private static void awaitFirstRun(GatewayRuntime serve) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (serve.retention().orElseThrow().runs() < 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no retention run within five minutes of start");
            }
            Thread.sleep(5);
        }
    }
}
