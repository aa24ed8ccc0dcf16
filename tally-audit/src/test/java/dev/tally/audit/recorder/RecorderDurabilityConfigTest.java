package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.chain.SigningKeys;
import dev.tally.audit.recorder.internal.JournalKey;
import dev.tally.audit.recorder.internal.SpillJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The durability settings of a recorder: defaults, validation, and where the journal key lives. */
class RecorderDurabilityConfigTest extends RecorderFixture {

    @Test
    void defaultsAreA256MibJournalAndRefusingCallsThatCannotBeRecorded() {
        RecorderConfig config = RecorderConfig.defaults("gw", dir);

        assertThat(config.journalMaxBytes()).isEqualTo(256L * 1024 * 1024);
        assertThat(config.whenUnrecordable()).isEqualTo(WhenUnrecordable.REFUSE);
        assertThat(config.withJournalMaxBytes(5_000_000).journalMaxBytes()).isEqualTo(5_000_000);
        assertThat(config.withWhenUnrecordable(WhenUnrecordable.ALLOW).whenUnrecordable())
                .isEqualTo(WhenUnrecordable.ALLOW);
        assertThat(config.withWhenUnrecordable(WhenUnrecordable.ALLOW).withCheckpointEvery(3).whenUnrecordable())
                .isEqualTo(WhenUnrecordable.ALLOW);
    }

    @Test
    void aJournalCapUnder1MibIsRefusedNamingTheFieldAndTheExpectation() {
        assertThatThrownBy(() -> RecorderConfig.defaults("gw", dir).withJournalMaxBytes(1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("journal_max_bytes: 1000 (expected: >= 1048576)");
    }

    @Test
    void closeRefusesANegativeTimeout() {
        Recorder recorder = start(config());

        assertThatThrownBy(() -> recorder.close(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: >= 0");
    }

    @Test
    void aCleanCloseMakesEverythingDurableAndSaysSo() throws Exception {
        Recorder recorder = start(config());
        for (int i = 0; i < 30; i++) {
            recorder.record(entries.call());
        }

        CloseResult closed = recorder.close(Duration.ofSeconds(10));

        assertThat(closed.notDurable()).isZero();
        assertThat(closed.allDurable()).isTrue();
        assertThat(closed.journaled()).isZero();
        assertThat(storedIds()).hasSize(30);
        assertThat(recorder.close(Duration.ofSeconds(10))).isEqualTo(closed); // idempotent
    }

    @Test
    void theJournalKeyLivesBesideASigningKeyKeptOutsideTheDataDirectory() throws Exception {
        Path secrets = dir.resolve("secrets");
        Path data = dir.resolve("data");

        start(RecorderConfig.defaults("gw", data).withSigningKeyFile(secrets.resolve("tally-signing.key")));

        assertThat(secrets.resolve(JournalKey.FILE_NAME)).exists();
        assertThat(data.resolve(JournalKey.FILE_NAME)).doesNotExist();
        assertThat(data.resolve(SpillJournal.FILE_NAME)).exists();
        assertThat(Files.exists(data.resolve(SigningKeys.PRIVATE_FILE))).isFalse();
    }

    @Test
    void countedRefusalsShowInTheStats() {
        Recorder recorder = start(config());

        recorder.countRefused();
        recorder.countRefused();

        assertThat(recorder.stats().refusedUnrecordable()).isEqualTo(2);
        assertThat(recorder.recordable()).isTrue();
        assertThat(recorder.stats().writesCommitting()).isTrue();
    }
}
