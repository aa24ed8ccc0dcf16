package dev.tally.audit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.CallOpening;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.entry.PayloadMode;
import dev.tally.audit.entry.SecurityEventType;
import dev.tally.audit.testing.Entries;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Kept payloads: stored with their call record in one transaction, read back by call id. */
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
    void aPayloadCannotClaimNoneOrCarryTextInHashMode() {
        assertThatThrownBy(() -> new StoredPayload("x", PayloadMode.NONE, null, null, SHA_A, SHA_B, false, T))
                .hasMessageContaining("mode: none");
        assertThatThrownBy(() -> new StoredPayload("x", PayloadMode.HASH, "text", null, SHA_A, SHA_B, false, T))
                .hasMessageContaining("expected: none in hash mode");
    }
}
