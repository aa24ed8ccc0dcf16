package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.ChainedEntry;
import dev.tally.audit.entry.AdminEventType;
import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.keys.VirtualKey;
import dev.tally.audit.store.AdminChange;
import dev.tally.audit.store.StoreException;
import dev.tally.audit.verify.Verifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Admin changes through the recorder: committed with their event, in order, never spilled. */
class RecorderAdminChangeTest extends RecorderFixture {

    @Test
    void anAdminChangeCommitsWithItsEventAfterPendingEntries() throws Exception {
        Recorder recorder = start(config());
        CallRecord pending = entries.call();
        recorder.record(pending);
        VirtualKey key = key("k1", "team-a");
        var event = entries.admin(AdminEventType.KEY_CREATED, "k1");

        recorder.commitChange(new AdminChange.CreateKey(key), event);

        assertThat(store.key("k1")).contains(key);
        assertThat(storedIds()).containsExactly(pending.id(), event.id());
    }

    @Test
    void aRejectedChangeThrowsAndTheChainHeadIsReused() throws Exception {
        Recorder recorder = start(config());
        recorder.commitChange(new AdminChange.CreateKey(key("k1", "team-a")),
                entries.admin(AdminEventType.KEY_CREATED, "k1"));
        var duplicate = entries.admin(AdminEventType.KEY_CREATED, "k2");

        assertThatThrownBy(() -> recorder.commitChange(new AdminChange.CreateKey(key("k2", "team-a")), duplicate))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(store.key("k2")).isEmpty();
        recorder.recordAndWait(entries.call());
        assertThat(store.entries(CHAIN)).extracting(ChainedEntry::seq).containsExactly(1L, 2L);
        assertThat(storedIds()).doesNotContain(duplicate.id());
        assertThat(new Verifier(store).verify().ok()).isTrue();
    }

    @Test
    void aChangeFailsWhenTheStoreCannotBeWrittenAndNeverSpills() throws Exception {
        Recorder recorder = start(config());
        store.failing = true;
        var event = entries.admin(AdminEventType.KEY_CREATED, "k1");

        assertThatThrownBy(() -> recorder.commitChange(new AdminChange.CreateKey(key("k1", "team-a")), event))
                .isInstanceOf(StoreException.class);

        assertThat(recorder.stats().spilled()).isZero();
        store.failing = false;
        recorder.flush();
        assertThat(store.key("k1")).isEmpty();
        assertThat(storedIds()).isEmpty();
        recorder.recordAndWait(entries.call());
        assertThat(store.entries(CHAIN)).extracting(ChainedEntry::seq).containsExactly(1L);
    }

    @Test
    @Timeout(30) // a generous bound so a regression fails instead of hanging the build
    void aStoreThatFailedOnlyAnAdminChangeIsProbedUntilItIsHealthyAgain() throws Exception {
        Recorder recorder = start(config());
        store.failing = true;
        assertThatThrownBy(() -> recorder.commitChange(new AdminChange.PutSetting("a", "b"),
                entries.admin(AdminEventType.SETTING_CHANGED, "a"))).isInstanceOf(StoreException.class);
        assertThat(recorder.storeHealthy()).isFalse();

        store.failing = false;
        // a sync gateway sends nothing while unhealthy: the recorder must find out by itself
        while (!recorder.storeHealthy()) {
            Thread.sleep(5);
        }
        assertThat(recorder.stats().storeErrors()).isPositive();
    }

    @Test
    void aChangeWaitsForTheSpillToDrainFirst() throws Exception {
        Recorder recorder = start(config());
        store.failing = true;
        CallRecord spilled = entries.call();
        recorder.recordAndWait(spilled);
        store.failing = false;
        var event = entries.admin(AdminEventType.SETTING_CHANGED, "audit");

        recorder.commitChange(new AdminChange.PutSetting("audit", "{}"), event);

        assertThat(storedIds()).containsExactly(spilled.id(), event.id());
    }
}
