package dev.tally.audit.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tally.audit.entry.CallRecord;
import dev.tally.audit.files.PrivateFiles;
import dev.tally.audit.json.Json;
import dev.tally.audit.recorder.internal.JournalCorruptedException;
import dev.tally.audit.recorder.internal.JournalKey;
import dev.tally.audit.recorder.internal.JournalOp;
import dev.tally.audit.recorder.internal.SpillJournal;
import dev.tally.audit.verify.Verifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The spill journal is authenticated (issue 14, item 7): a record injected, edited, reordered,
 * duplicated or taken from another journal is refused at replay, counted in
 * {@code journalRejected}, and never chained; the genuine records around it still are.
 */
class JournalMacTest extends RecorderFixture {

    static final int FILE_HEADER = 24;
    static final int RECORD_HEADER = 48;

    final List<CallRecord> genuine = new ArrayList<>();

    Path journalFile() {
        return dir.resolve(SpillJournal.FILE_NAME);
    }

    @BeforeEach
    void threeSpilledRecords() throws Exception {
        try (SpillJournal journal = SpillJournal.open(journalFile())) {
            for (int i = 0; i < 3; i++) {
                CallRecord call = entries.call();
                genuine.add(call);
                journal.append(List.of(JournalOp.append(call)));
            }
            journal.sync();
        }
    }

    /** Each record's bytes, in file order. */
    List<byte[]> records() throws Exception {
        byte[] file = Files.readAllBytes(journalFile());
        List<byte[]> out = new ArrayList<>();
        int pos = FILE_HEADER;
        while (pos < file.length) {
            int length = ByteBuffer.wrap(file, pos, 4).getInt();
            out.add(Arrays.copyOfRange(file, pos, pos + RECORD_HEADER + length));
            pos += RECORD_HEADER + length;
        }
        return out;
    }

    void rewrite(List<byte[]> records) throws Exception {
        byte[] header = Arrays.copyOf(Files.readAllBytes(journalFile()), FILE_HEADER);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(header);
        for (byte[] record : records) {
            out.write(record);
        }
        Files.write(journalFile(), out.toByteArray());
    }

    /** A record as an attacker without the key makes it: valid length and CRC, a made-up MAC. */
    static byte[] forged(long seq, byte[] payload) {
        ByteBuffer record = ByteBuffer.allocate(RECORD_HEADER + payload.length);
        record.putInt(payload.length).putInt(0).putLong(seq).put(new byte[32]).put(payload);
        return withFreshCrc(record.array());
    }

    static byte[] withFreshCrc(byte[] record) {
        CRC32C crc = new CRC32C();
        crc.update(record, 8, record.length - 8);
        ByteBuffer.wrap(record).putInt(4, (int) crc.getValue());
        return record;
    }

    List<String> genuineIds() {
        return genuine.stream().map(CallRecord::id).toList();
    }

    @Test
    void genuineRecordsAreReplayed() {
        Recorder recorder = start(config());

        assertThat(storedIds()).containsExactlyElementsOf(genuineIds());
        assertThat(recorder.stats().journalRejected()).isZero();
    }

    @Test
    void anAppendedForgedRecordIsRefusedAndCountedNotCutAsATornTail() throws Exception {
        CallRecord forgedCall = entries.call();
        byte[] payload = Json.mapper().writeValueAsBytes(JournalOp.append(forgedCall));
        List<byte[]> records = new ArrayList<>(records());
        records.add(forged(4, payload));
        rewrite(records);

        Recorder recorder = start(config());

        assertThat(recorder.journalTailBytesCut()).isZero();
        assertThat(storedIds()).containsExactlyElementsOf(genuineIds()).doesNotContain(forgedCall.id());
        assertThat(recorder.stats().journalRejected()).isEqualTo(1);
        assertThat(new Verifier(store).verify().ok()).isTrue();
    }

    @Test
    void aForgedRecordCannotPushTheNumberingOfLaterGenuineRecords() throws Exception {
        byte[] payload = Json.mapper().writeValueAsBytes(JournalOp.append(entries.call()));
        List<byte[]> records = new ArrayList<>(records());
        records.add(forged(Long.MAX_VALUE, payload));
        rewrite(records);
        CallRecord later = entries.call();

        try (SpillJournal journal = SpillJournal.open(journalFile())) {
            journal.append(List.of(JournalOp.append(later)));
            SpillJournal.Chunk chunk = journal.read(100);

            assertThat(chunk.ops()).extracting(op -> op.entry().id())
                    .containsExactly(genuine.get(0).id(), genuine.get(1).id(), genuine.get(2).id(), later.id());
            assertThat(chunk.rejected()).isEqualTo(1);
        }
    }

    @Test
    void anEditedRecordIsRefusedEvenWithItsCrcRecomputed() throws Exception {
        List<byte[]> records = new ArrayList<>(records());
        String text = new String(records.get(1), StandardCharsets.ISO_8859_1);
        String edited = text.replace("\"cost_micros\":27", "\"cost_micros\":10");
        assertThat(edited).isNotEqualTo(text);
        records.set(1, withFreshCrc(edited.getBytes(StandardCharsets.ISO_8859_1)));
        rewrite(records);

        Recorder recorder = start(config());

        assertThat(storedIds()).containsExactly(genuine.get(0).id(), genuine.get(2).id());
        assertThat(recorder.stats().journalRejected()).isEqualTo(1);
    }

    @Test
    void swappedRecordsAreRefusedOutOfOrder() throws Exception {
        List<byte[]> records = new ArrayList<>(records());
        rewrite(List.of(records.get(0), records.get(2), records.get(1)));

        Recorder recorder = start(config());

        // seq 3 is accepted after 1; seq 2 then comes after 3 and is refused, never chained
        assertThat(storedIds()).containsExactly(genuine.get(0).id(), genuine.get(2).id());
        assertThat(recorder.stats().journalRejected()).isEqualTo(1);
    }

    @Test
    void aRecordCopiedASecondTimeIsRefused() throws Exception {
        List<byte[]> records = new ArrayList<>(records());
        records.add(records.get(1));
        rewrite(records);

        Recorder recorder = start(config());

        assertThat(storedIds()).containsExactlyElementsOf(genuineIds());
        assertThat(recorder.stats().journalRejected()).isEqualTo(1);
    }

    @Test
    void aRecordFromAnotherJournalIsRefused() throws Exception {
        Path other = dir.resolve("other");
        PrivateFiles.createDirectories(other);
        CallRecord foreign = entries.call();
        try (SpillJournal journal = SpillJournal.open(other.resolve(SpillJournal.FILE_NAME))) {
            journal.append(List.of(JournalOp.append(entries.call()), JournalOp.append(entries.call()),
                    JournalOp.append(entries.call()), JournalOp.append(foreign)));
            journal.sync();
        }
        byte[] otherFile = Files.readAllBytes(other.resolve(SpillJournal.FILE_NAME));
        List<byte[]> records = new ArrayList<>(records());
        int pos = FILE_HEADER;
        for (int i = 0; i < 3; i++) {
            pos += RECORD_HEADER + ByteBuffer.wrap(otherFile, pos, 4).getInt();
        }
        records.add(Arrays.copyOfRange(otherFile, pos, otherFile.length)); // seq 4, validly MACed elsewhere
        rewrite(records);

        Recorder recorder = start(config());

        assertThat(storedIds()).containsExactlyElementsOf(genuineIds()).doesNotContain(foreign.id());
        assertThat(recorder.stats().journalRejected()).isEqualTo(1);
    }

    @Test
    void aDeletedJournalKeyMakesEveryPendingRecordARefusedAndCountedLossNeverAChainedOne() throws Exception {
        Files.delete(dir.resolve(JournalKey.FILE_NAME));

        Recorder recorder = start(config());

        assertThat(storedIds()).doesNotContainAnyElementsOf(genuineIds());
        assertThat(recorder.stats().journalRejected()).isEqualTo(3);
        assertThat(new Verifier(store).verify().ok()).isTrue();
    }

    @Test
    void aTruncatedJournalKeyStopsTheStartNamingTheFile() throws Exception {
        Path keyFile = dir.resolve(JournalKey.FILE_NAME);
        Files.writeString(keyFile, Files.readString(keyFile).strip().substring(0, 12) + "\n");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> start(config()))
                .hasMessageContaining(keyFile.toString()).hasMessageContaining("(expected: 32)");
    }

    @Test
    void theKeyIsBesideTheJournalNotInItAndPrivate() throws Exception {
        Path keyFile = dir.resolve(JournalKey.FILE_NAME);
        byte[] key = Base64.getDecoder().decode(Files.readString(keyFile).strip());

        assertThat(key).hasSize(32);
        assertThat(Files.getPosixFilePermissions(keyFile)).isEqualTo(PrivateFiles.FILE);
        byte[] journal = Files.readAllBytes(journalFile());
        assertThat(new String(journal, StandardCharsets.ISO_8859_1))
                .doesNotContain(new String(key, StandardCharsets.ISO_8859_1))
                .doesNotContain(Files.readString(keyFile).strip());
    }

    @Test
    void aJournalOfTheOldUnauthenticatedFormatIsRefusedLoudly() throws Exception {
        byte[] payload = Json.mapper().writeValueAsBytes(JournalOp.append(entries.call()));
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer v1 = ByteBuffer.allocate(8 + payload.length).putInt(payload.length).putInt((int) crc.getValue())
                .put(payload);
        Files.write(journalFile(), v1.array());

        assertThatThrownBy(() -> SpillJournal.open(journalFile()))
                .isInstanceOf(JournalCorruptedException.class).hasMessageContaining("no format v2 header");
    }
}
