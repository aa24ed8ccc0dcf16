package dev.tally.audit.recorder;

import dev.tally.audit.testing.SqliteTestStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.recorder.internal.JournalCorruptedException;
import dev.tally.audit.recorder.internal.JournalOp;
import dev.tally.audit.recorder.internal.SpillJournal;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillJournalTest {

    @TempDir
    Path dir;

    final Entries entries = new Entries(new MutableClock(Instant.parse("2026-03-01T10:00:00Z")), 3);

    Path file() {
        return dir.resolve(SpillJournal.FILE_NAME);
    }

    /** Writes ops one record at a time and returns each record's end offset. */
    List<Long> write(List<JournalOp> ops) throws Exception {
        List<Long> ends = new ArrayList<>();
        try (SpillJournal journal = SpillJournal.open(file())) {
            for (JournalOp op : ops) {
                journal.append(List.of(op));
                journal.sync();
                ends.add(Files.size(file()));
            }
            journal.sync();
        }
        return ends;
    }

    List<JournalOp> ops(int n) {
        List<JournalOp> ops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = entries.nextId();
            ops.add(i % 2 == 0 ? JournalOp.open(entries.opening(id)) : JournalOp.append(entries.call(id)));
        }
        return ops;
    }

    List<JournalOp> readAll(SpillJournal journal) throws Exception {
        return journal.read(Integer.MAX_VALUE).ops();
    }

    @Test
    void recordsSurviveReopeningInOrder() throws Exception {
        List<JournalOp> ops = ops(5);
        write(ops);

        try (SpillJournal journal = SpillJournal.open(file())) {
            assertThat(journal.tailBytesCut()).isZero();
            assertThat(journal.pendingRecords()).isEqualTo(5);
            assertThat(readAll(journal)).containsExactlyElementsOf(ops);
        }
    }

    @Test
    void aRecordCutShortAtTheEndIsCutAndReported() throws Exception {
        List<JournalOp> ops = ops(4);
        List<Long> ends = write(ops);
        long full = ends.getLast();
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.setLength(full - 7);
        }

        try (SpillJournal journal = SpillJournal.open(file())) {
            assertThat(journal.tailBytesCut()).isEqualTo(full - 7 - ends.get(2));
            assertThat(readAll(journal)).containsExactlyElementsOf(ops.subList(0, 3));
        }
        assertThat(Files.size(file())).isEqualTo(ends.get(2));
    }

    @Test
    void aHeaderCutShortAtTheEndIsCut() throws Exception {
        List<Long> ends = write(ops(2));
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.seek(ends.getLast());
            raf.write(new byte[] {0, 0, 1});
        }

        try (SpillJournal journal = SpillJournal.open(file())) {
            assertThat(journal.tailBytesCut()).isEqualTo(3);
            assertThat(journal.pendingRecords()).isEqualTo(2);
        }
    }

    @Test
    void aGarbledLastRecordIsCut() throws Exception {
        List<Long> ends = write(ops(3));
        flipByte(ends.getLast() - 2);

        try (SpillJournal journal = SpillJournal.open(file())) {
            assertThat(journal.tailBytesCut()).isEqualTo(ends.get(2) - ends.get(1));
            assertThat(journal.pendingRecords()).isEqualTo(2);
        }
    }

    @Test
    void zerosAfterTheLastRecordAreCut() throws Exception {
        List<Long> ends = write(ops(2));
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.setLength(ends.getLast() + 4096);
        }

        try (SpillJournal journal = SpillJournal.open(file())) {
            assertThat(journal.tailBytesCut()).isEqualTo(4096);
            assertThat(journal.pendingRecords()).isEqualTo(2);
        }
    }

    @Test
    void damageBeforeTheLastRecordIsReportedLoudlyAndNothingIsCut() throws Exception {
        List<Long> ends = write(ops(4));
        flipByte(ends.get(0) + 20); // inside the second record's payload
        long size = Files.size(file());

        assertThatThrownBy(() -> SpillJournal.open(file()))
                .isInstanceOfSatisfying(JournalCorruptedException.class, e -> {
                    assertThat(e.offset()).isEqualTo(ends.get(0));
                    assertThat(e.getMessage()).contains("CRC32C mismatch in record 2").contains("nothing");
                });
        assertThat(Files.size(file())).isEqualTo(size);
    }

    @Test
    void aBadLengthFollowedByDataIsCorruption() throws Exception {
        List<Long> ends = write(ops(3));
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.seek(ends.get(0));
            raf.writeInt(-5);
        }

        assertThatThrownBy(() -> SpillJournal.open(file())).isInstanceOf(JournalCorruptedException.class)
                .hasMessageContaining("record length -5 (expected: 1..");
    }

    @Test
    void prependPutsRecordsBeforeThoseNotYetReplayed() throws Exception {
        List<JournalOp> ops = ops(4);
        try (SpillJournal journal = SpillJournal.open(file())) {
            journal.append(ops.subList(0, 1));
            journal.markReplayed(journal.read(1));
            journal.append(ops.subList(2, 4));

            journal.prepend(ops.subList(1, 2), false);

            assertThat(readAll(journal)).containsExactlyElementsOf(ops.subList(1, 4));
        }
        try (SpillJournal journal = SpillJournal.open(file())) {
            assertThat(readAll(journal)).containsExactlyElementsOf(ops.subList(1, 4));
        }
    }

    @Test
    void truncatesOnlyWhenEverythingWasReplayed() throws Exception {
        try (SpillJournal journal = SpillJournal.open(file())) {
            journal.append(ops(3));
            SpillJournal.Chunk first = journal.read(2);
            journal.markReplayed(first);
            assertThat(journal.truncateIfDrained()).isFalse();
            journal.markReplayed(journal.read(10));
            assertThat(journal.truncateIfDrained()).isTrue();
            assertThat(journal.hasPending()).isFalse();
        }
        assertThat(Files.size(file())).isZero();
    }

    @Test
    void aRecorderStartingOnATornJournalReplaysTheIntactRecordsAndReportsTheCut() throws Exception {
        List<JournalOp> ops = List.of(JournalOp.append(entries.call()), JournalOp.append(entries.call()),
                JournalOp.append(entries.call()));
        List<Long> ends = write(ops);
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.setLength(ends.getLast() - 1);
        }
        try (SqliteTestStore store = new SqliteTestStore(); Recorder recorder = Recorder.start(store, RecorderConfig.defaults("gw", dir),
                new MutableClock(Instant.parse("2026-03-01T10:00:00Z")))) {
            assertThat(recorder.journalTailBytesCut()).isEqualTo(ends.get(2) - ends.get(1) - 1);
            assertThat(store.entries("gw")).extracting(e -> e.entry().id())
                    .containsExactly(ops.get(0).entry().id(), ops.get(1).entry().id());
        }
    }

    void flipByte(long offset) throws Exception {
        try (RandomAccessFile raf = new RandomAccessFile(file().toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x5A);
        }
    }

}
