package dev.tally.audit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.CallStatus;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.query.CallQuery;
import dev.tally.audit.recorder.Recorder;
import dev.tally.audit.recorder.RecorderConfig;
import dev.tally.audit.store.sqlite.SqliteAuditStore;
import dev.tally.audit.testing.Entries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CallTail} on a real SQLite store written by the recorder: after a head position only
 * calls committed later come back, by chain and then in commit order whatever their start
 * times, each once, filtered like a call query, a new chain from its first entry.
 */
class CallTailTest {

    @TempDir
    Path dir;

    private final Entries entries = new Entries();

    private void write(SqliteAuditStore store, String chain, Object... entriesToRecord) throws Exception {
        try (Recorder recorder = Recorder.start(store, RecorderConfig.defaults(chain, Files.createDirectories(dir.resolve(chain))),
                Clock.systemUTC())) {
            for (Object e : entriesToRecord) {
                recorder.record((dev.tally.audit.entry.AuditEntry) e);
            }
            recorder.flush();
        }
    }

    private static List<String> ids(CallTail.Batch batch) {
        return batch.records().stream().map(e -> e.entry().id()).toList();
    }

    @Test
    void onlyCallsCommittedAfterTheHeadComeBackInCommitOrderEachOnce() throws Exception {
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            write(store, "gw-a", entries.call(Entries.T0.plusSeconds(10)).build(), entries.call(Entries.T0).build());
            String head = CallTail.head(store);
            CallRecord late = entries.call(Entries.T0.minusSeconds(100)).model("late").build();
            CallRecord next = entries.call(Entries.T0.plusSeconds(20)).status(CallStatus.ERROR).build();
            write(store, "gw-a", late, entries.security(Entries.T0, SecurityEventType.AUTH_FAILURE), next);
            CallRecord other = entries.call(Entries.T0.plusSeconds(5)).tag("tier", "gold").build();
            write(store, "gw-b", other);

            CallTail.Batch all = CallTail.after(store, head, CallQuery.all(1), 1000);

            assertThat(ids(all)).containsExactly(late.id(), next.id(), other.id());
            assertThat(all.records()).extracting(ChainedEntry::chain).containsExactly("gw-a", "gw-a", "gw-b");
            assertThat(all.records().get(0).seq()).isLessThan(all.records().get(1).seq());
            assertThat(CallTail.after(store, all.position(), CallQuery.all(1), 1000).records()).as("each once").isEmpty();
            assertThat(CallTail.after(store, CallTail.head(store), CallQuery.all(1), 1000).records()).isEmpty();
        }
    }

    @Test
    void aFullBatchLeavesTheRestForTheNextAndFiltersApply() throws Exception {
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            write(store, "gw-a", entries.call(Entries.T0).build());
            String head = CallTail.head(store);
            CallRecord a = entries.call(Entries.T0.plusSeconds(1)).build();
            CallRecord b = entries.call(Entries.T0.plusSeconds(2)).model("m2").tag("tier", "gold").build();
            CallRecord c = entries.call(Entries.T0.plusSeconds(3)).tag("tier", "gold").build();
            write(store, "gw-a", a, b, c);

            CallTail.Batch first = CallTail.after(store, head, CallQuery.all(1), 2);
            CallTail.Batch rest = CallTail.after(store, first.position(), CallQuery.all(1), 2);
            CallQuery gold = new CallQuery(null, null, null, null, null, null, null, Map.of("tier", "gold"), 1, null);
            CallQuery goldM2 = new CallQuery(null, null, null, "m2", null, null, null, Map.of("tier", "gold"), 1, null);
            CallQuery since = new CallQuery(Entries.T0.plusSeconds(3), null, null, null, null, null, null, Map.of(), 1, null);

            assertThat(ids(first)).containsExactly(a.id(), b.id());
            assertThat(ids(rest)).containsExactly(c.id());
            assertThat(ids(CallTail.after(store, head, gold, 1000))).containsExactly(b.id(), c.id());
            assertThat(ids(CallTail.after(store, head, goldM2, 1000))).containsExactly(b.id());
            assertThat(ids(CallTail.after(store, head, since, 1000))).containsExactly(c.id());
        }
    }

    @Test
    void aPositionItDidNotMakeIsRefusedByName() {
        try (SqliteAuditStore store = SqliteAuditStore.open(dir.resolve("tally.db"))) {
            assertThatThrownBy(() -> CallTail.after(store, "garbage", CallQuery.all(1), 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("position: 'garbage' (expected: a position returned by a previous tail read)");
            assertThat(CallTail.decode(CallTail.encode(Map.of("gw:1", 7L, "b", 0L)))).isEqualTo(Map.of("gw:1", 7L, "b", 0L));
        }
    }
}
