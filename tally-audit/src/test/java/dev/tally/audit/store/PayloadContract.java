package dev.tally.audit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.chain.SignedHead;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.testing.Entries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kept payloads: stored with their call record in one transaction, read back by call id, pruned on
 * their own schedule without touching the chain, and never outliving their record.
 */
public abstract class PayloadContract extends QueryContract {

    private static final Instant T = Entries.T0;
    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "b".repeat(64);

    @Test
    void aPayloadIsStoredWithItsCallRecordAndReadBackByCallId() {
        CallRecord call = entries.call(T).build();
        CallRecord other = entries.call(T.plusSeconds(1)).build();
        StoredPayload full = new StoredPayload(call.id(), PayloadMode.FULL, "{\"q\":\"hi é\"}", "hello",
                SHA_A, SHA_B, true, T.plusMillis(5));
        StoredPayload hash = new StoredPayload(other.id(), PayloadMode.HASH, null, null, SHA_B, SHA_A, false, T);

        List<ChainedEntry> placed = chain.place(List.of(call, other));
        store.commit(new WriteBatch(CHAIN, List.of(new CallOpening(call)), placed, List.of(), List.of(),
                List.of(full, hash)));

        assertThat(store.payload(call.id())).contains(full);
        assertThat(store.payload(other.id())).contains(hash);
        assertThat(store.entry(call.id())).isPresent();
        assertThat(store.openings(CHAIN)).isEmpty();
    }

    @Test
    void aCallWithoutAPayloadHasNone() {
        CallRecord call = entries.call(T).build();
        chain.append(call);

        assertThat(store.payload(call.id())).isEmpty();
        assertThat(store.payload("0190d3e2-0000-7000-8000-000000000000")).isEmpty();
    }

    @Test
    void aPayloadWithoutItsCallRecordInTheBatchFailsTheWholeBatch() {
        CallRecord call = entries.call(T).build();
        List<ChainedEntry> placed = chain.place(List.of(entries.security(T, SecurityEventType.RATE_LIMITED)));
        StoredPayload orphan = new StoredPayload(call.id(), PayloadMode.REDACTED, "r", "s", SHA_A, SHA_B, false, T);

        assertThatThrownBy(() -> store.commit(new WriteBatch(CHAIN, List.of(), placed, List.of(), List.of(),
                List.of(orphan))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("payloads: call_id " + call.id());
        assertThat(store.head(CHAIN).seq()).isZero();
        assertThat(store.payload(call.id())).isEmpty();
    }

    @Test
    void prunePayloadsDeletesThoseMadeBeforeTheCutOffAndKeepsTheRecords() {
        List<CallRecord> calls = List.of(entries.call(T).build(), entries.call(T.plusSeconds(1)).build(),
                entries.call(T.plusSeconds(2)).build());
        List<StoredPayload> payloads = List.of(
                new StoredPayload(calls.get(0).id(), PayloadMode.FULL, "q0", "a0", SHA_A, SHA_B, false, T),
                new StoredPayload(calls.get(1).id(), PayloadMode.HASH, null, null, SHA_A, SHA_B, false,
                        T.plus(Duration.ofHours(1))),
                new StoredPayload(calls.get(2).id(), PayloadMode.REDACTED, "q2", "a2", SHA_A, SHA_B, false,
                        T.plus(Duration.ofHours(2))));
        store.commit(new WriteBatch(CHAIN, List.of(), chain.place(calls), List.of(), List.of(), payloads));
        List<String> before = scanHashes();

        assertThat(store.prunePayloads(T.plus(Duration.ofHours(1)))).isEqualTo(1);
        assertThat(store.payload(calls.get(0).id())).isEmpty();
        assertThat(store.payload(calls.get(1).id())).as("made exactly at the cut-off: kept").contains(payloads.get(1));
        assertThat(store.payload(calls.get(2).id())).contains(payloads.get(2));
        assertThat(store.prunePayloads(T.plus(Duration.ofHours(1)))).as("nothing left to prune").isZero();
        assertThat(scanHashes()).as("the chain is untouched").isEqualTo(before).hasSize(3);

        assertThat(store.prunePayloads(T.plus(Duration.ofDays(1)))).isEqualTo(2);
        assertThat(store.payload(calls.get(2).id())).isEmpty();
        assertThat(store.entry(calls.get(2).id())).isPresent();
    }

    @Test
    void prunePayloadsDeletesMoreThanAThousandInOneCall() {
        List<CallRecord> calls = new ArrayList<>();
        List<StoredPayload> payloads = new ArrayList<>();
        for (int i = 0; i < 2_345; i++) {
            CallRecord call = entries.call(T.plusMillis(i)).build();
            calls.add(call);
            payloads.add(new StoredPayload(call.id(), PayloadMode.FULL, "q" + i, "a" + i, SHA_A, SHA_B, false,
                    T.plusMillis(i)));
        }
        store.commit(new WriteBatch(CHAIN, List.of(), chain.place(calls), List.of(), List.of(), payloads));

        assertThat(store.prunePayloads(T.plusMillis(2_300))).isEqualTo(2_300);
        assertThat(store.payload(calls.get(2_299).id())).isEmpty();
        assertThat(store.payload(calls.get(2_300).id())).isPresent();
        assertThat(store.prunePayloads(T.plusSeconds(60))).isEqualTo(45);
    }

    @Test
    void pruningRecordsDeletesTheirPayloadsToo() {
        CallRecord old = entries.call(T).build();
        CallRecord recent = entries.call(T.plus(Duration.ofHours(3))).build();
        StoredPayload oldPayload = new StoredPayload(old.id(), PayloadMode.FULL, "q", "a", SHA_A, SHA_B, false,
                T.plus(Duration.ofHours(5)));
        StoredPayload recentPayload = new StoredPayload(recent.id(), PayloadMode.FULL, "q", "a", SHA_A, SHA_B, false,
                T.plus(Duration.ofHours(5)));
        List<ChainedEntry> placed = chain.place(List.of(old, recent));
        store.commit(new WriteBatch(CHAIN, List.of(), placed, List.of(), List.of(), List.of(oldPayload, recentPayload)));

        ChainHead through = store.prunableThrough(CHAIN, T.plus(Duration.ofHours(1))).orElseThrow();
        SignedHead anchor = Entries.head(SignedHead.Purpose.ANCHOR, CHAIN, through.seq(), through.hash(), T);
        chain.change(new AdminChange.Prune(anchor),
                entries.admin(T.plus(Duration.ofHours(6)), AdminEventType.RETENTION_RUN, CHAIN));

        assertThat(store.entry(old.id())).isEmpty();
        assertThat(store.payload(old.id())).as("a payload never outlives its record").isEmpty();
        assertThat(store.payload(recent.id())).contains(recentPayload);
    }

    private List<String> scanHashes() {
        List<String> hashes = new ArrayList<>();
        store.scan(CHAIN, row -> hashes.add(row.seq() + ":" + row.hash()));
        return hashes;
    }

    @Test
    void aPayloadCannotClaimNoneOrCarryTextInHashMode() {
        assertThatThrownBy(() -> new StoredPayload("x", PayloadMode.NONE, null, null, SHA_A, SHA_B, false, T))
                .hasMessageContaining("mode: none");
        assertThatThrownBy(() -> new StoredPayload("x", PayloadMode.HASH, "text", null, SHA_A, SHA_B, false, T))
                .hasMessageContaining("expected: none in hash mode");
    }
}
