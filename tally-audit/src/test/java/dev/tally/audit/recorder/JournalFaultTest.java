package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.recorder.internal.JournalFullException;
import dev.tally.audit.recorder.internal.JournalKey;
import dev.tally.audit.recorder.internal.JournalOp;
import dev.tally.audit.recorder.internal.SpillJournal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spill journal on a disk that fills up or writes short: a failed write is cut back at once,
 * its view always matches the file, records are rewritten once there is space, and a durable
 * append is all or nothing.
 */
class JournalFaultTest {

    @TempDir
    Path dir;

    final Entries entries = new Entries(new MutableClock(Instant.parse("2026-03-01T10:00:00Z")), 5);
    final FaultyDisk disk = new FaultyDisk();

    SpillJournal open(long maxBytes) throws IOException {
        return SpillJournal.open(dir.resolve(SpillJournal.FILE_NAME), JournalKey.loadOrCreate(dir, new SecureRandom()),
                maxBytes, disk);
    }

    List<JournalOp> ops(int n) {
        List<JournalOp> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ops.add(JournalOp.append(entries.call()));
        }
        return ops;
    }

    @Test
    void aSyncThatHitsAFullDiskCutsThePartialWriteAndRewritesItWhenSpaceReturns() throws Exception {
        List<JournalOp> ops = ops(10);
        try (SpillJournal journal = open(RecorderConfig.DEFAULT_JOURNAL_MAX_BYTES)) {
            journal.append(ops.subList(0, 3));
            journal.sync();
            long onDisk = Files.size(journal.path());
            disk.shortWrites = true;
            disk.free(500); // part of the next records fits
            journal.append(ops.subList(3, 10)); // buffered: accepted

            assertThatThrownBy(journal::sync).isInstanceOf(IOException.class).hasMessageContaining("No space left");
            assertThat(Files.size(journal.path())).isEqualTo(onDisk); // cut back to the last whole record
            assertThat(journal.accepting()).isFalse();
            assertThat(journal.unforcedRecords()).isEqualTo(7);
            assertThat(journal.read(100).ops()).containsExactlyElementsOf(ops); // the view is exact

            disk.unlimited();
            journal.sync();
            assertThat(journal.accepting()).isTrue();
            assertThat(journal.unforcedRecords()).isZero();
        }
        try (SpillJournal reopened = open(RecorderConfig.DEFAULT_JOURNAL_MAX_BYTES)) {
            assertThat(reopened.tailBytesCut()).isZero();
            assertThat(reopened.read(100).ops()).containsExactlyElementsOf(ops);
        }
    }

    @Test
    void aDurableAppendThatCannotBeForcedLeavesNothingBehind() throws Exception {
        List<JournalOp> ops = ops(4);
        try (SpillJournal journal = open(RecorderConfig.DEFAULT_JOURNAL_MAX_BYTES)) {
            journal.append(ops.subList(0, 1));
            journal.sync();
            journal.append(ops.subList(1, 2)); // an async write still in memory
            disk.free(0);

            assertThatThrownBy(() -> journal.appendPayloads(List.of(SpillJournal.payload(ops.get(2))), true))
                    .isInstanceOf(IOException.class);

            assertThat(journal.pendingRecords()).isEqualTo(2); // the async one stays, the durable one is gone
            disk.unlimited();
            journal.appendPayloads(List.of(SpillJournal.payload(ops.get(3))), true);
            assertThat(journal.read(100).ops()).containsExactly(ops.get(0), ops.get(1), ops.get(3));
        }
        try (SpillJournal reopened = open(RecorderConfig.DEFAULT_JOURNAL_MAX_BYTES)) {
            assertThat(reopened.tailBytesCut()).isZero();
            assertThat(reopened.read(100).ops()).containsExactly(ops.get(0), ops.get(1), ops.get(3));
        }
    }

    @Test
    void theSpaceProbeMakesAnIdleJournalWritableAgainByItself() throws Exception {
        try (SpillJournal journal = open(RecorderConfig.DEFAULT_JOURNAL_MAX_BYTES)) {
            disk.free(0);
            assertThatThrownBy(() -> journal.appendPayloads(List.of(SpillJournal.payload(ops(1).getFirst())), true))
                    .isInstanceOf(IOException.class);
            assertThat(journal.accepting()).isFalse();
            assertThat(journal.sizeBytes()).isZero();

            disk.unlimited();
            for (int i = 0; i < 3_000 && !journal.accepting(); i++) { // the probe runs at most every 100 ms
                journal.sync();
                Thread.sleep(20);
            }
            assertThat(journal.accepting()).isTrue();
            assertThat(Files.size(journal.path())).isZero(); // the probe's bytes are cut again
        }
    }

    @Test
    void anAppendPastTheCapIsRefusedAndLeavesTheJournalAsItWas() throws Exception {
        try (SpillJournal journal = open(RecorderConfig.MIN_JOURNAL_MAX_BYTES)) {
            long appended = 0;
            IOException refused = null;
            while (refused == null) {
                try {
                    journal.append(ops(1));
                    appended++;
                } catch (IOException e) {
                    refused = e;
                }
            }
            long size = journal.sizeBytes();

            assertThat(refused).isInstanceOf(JournalFullException.class).hasMessageContaining("journal_max_bytes");
            assertThat(size).isLessThanOrEqualTo(RecorderConfig.MIN_JOURNAL_MAX_BYTES);
            assertThat(journal.pendingRecords()).isEqualTo(appended);
            assertThat(journal.accepting()).isFalse();
        }
    }
}
