package dev.tally.audit.recorder.internal;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The write end of the spill journal, and the one place that knows where its bytes are: whole
 * records up to {@code fileEnd} are in the file, whole records after it wait in a memory buffer.
 * A write that fails (ENOSPC) or stops short is cut back to {@code fileEnd} at once, the buffer
 * keeps its records for the next attempt, and nothing reads past {@code fileEnd} in the file, so
 * the journal's view always matches the disk (see {@link SpillJournal}, "Durability and full disks").
 *
 * <p>Not thread-safe: guarded by the owning {@link SpillJournal}'s lock.
 */
final class JournalTail {

    static final int BUFFER_BYTES = 256 * 1024;
    static final int PROBE_BYTES = 64 * 1024;
    private static final long PROBE_EVERY_NANOS = 100_000_000L;

    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES); // whole records after fileEnd
    private JournalFile file;
    private long fileEnd;
    private int bufferedRecords;
    private boolean tornTail; // bytes after fileEnd left by a failed write or cut
    private boolean writable = true; // the last write or probe succeeded
    private long lastProbeNanos;

    JournalTail(JournalFile file, long fileEnd) {
        this.file = file;
        this.fileEnd = fileEnd;
    }

    /** Where the next record goes: the end of the file's whole records plus the buffer. */
    long end() {
        return fileEnd + buffer.position();
    }

    boolean writable() {
        return writable;
    }

    boolean hasBuffered() {
        return buffer.position() > 0;
    }

    /** Puts whole records at the end: into the buffer, or (too large for it) straight into the file. */
    void append(byte[] records, int count) throws IOException {
        if (records.length > buffer.remaining()) {
            flush();
        }
        if (records.length > buffer.remaining()) {
            writeAtEnd(ByteBuffer.wrap(records));
        } else {
            buffer.put(records);
            bufferedRecords += count;
        }
    }

    /**
     * Drops every byte from {@code end} on (an append that must not stay): from the buffer, or from
     * the file when they reached it. {@code bufferedRecordsAtEnd} is the buffer's record count then.
     */
    void cutBackTo(long end, int bufferedRecordsAtEnd) {
        if (fileEnd > end) {
            fileEnd = end;
            tornTail = true;
            cutTornTail();
            buffer.clear();
            bufferedRecords = 0;
        } else {
            int keep = Math.toIntExact(end - fileEnd);
            buffer.position(keep);
            bufferedRecords = keep == 0 ? 0 : bufferedRecordsAtEnd;
        }
    }

    int bufferedRecords() {
        return bufferedRecords;
    }

    /** Writes the buffer to the file; on failure the buffer still holds every record. */
    void flush() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        writeAtEnd(buffer.duplicate().flip());
        buffer.clear();
        bufferedRecords = 0;
    }

    void force() throws IOException {
        file.force();
    }

    private void writeAtEnd(ByteBuffer bytes) throws IOException {
        int length = bytes.remaining();
        try {
            if (tornTail) {
                cutTornTail();
            }
            JournalFormat.writeFully(file, bytes, fileEnd);
        } catch (IOException | RuntimeException e) {
            writable = false;
            tornTail = true;
            cutTornTail();
            throw e;
        }
        fileEnd += length;
        writable = true;
    }

    private void cutTornTail() {
        try {
            file.truncate(fileEnd);
            tornTail = false;
        } catch (IOException | RuntimeException e) {
            // left for the next write, which overwrites those bytes; reads never pass fileEnd
        }
    }

    /**
     * While writes fail and nothing is buffered to retry with: writes {@link #PROBE_BYTES} zeros
     * past the end and cuts them again (at most every 100 ms), so {@link #writable()} turns true by
     * itself once space returns. A crash in between leaves zeros, which open cuts as a torn tail.
     */
    void probeIfUnwritable() {
        if (writable) {
            return;
        }
        long now = System.nanoTime();
        if (lastProbeNanos != 0 && now - lastProbeNanos < PROBE_EVERY_NANOS) {
            return;
        }
        lastProbeNanos = now;
        try {
            if (tornTail) {
                file.truncate(fileEnd);
                tornTail = false;
            }
            JournalFormat.writeFully(file, ByteBuffer.allocate(PROBE_BYTES), fileEnd);
            file.truncate(fileEnd);
            writable = true;
        } catch (IOException | RuntimeException e) {
            tornTail = true;
            cutTornTail();
        }
    }

    /** Reads whole-record bytes at {@code pos}: from the file below {@code fileEnd}, else from the buffer. */
    void readAt(ByteBuffer dst, long pos) throws IOException {
        if (pos >= fileEnd) {
            int offset = Math.toIntExact(pos - fileEnd);
            if (offset + dst.remaining() > buffer.position()) {
                throw new IOException("spill journal: offset " + pos + " is past the journal's end " + end());
            }
            dst.put(buffer.array(), offset, dst.remaining());
            return;
        }
        JournalFormat.readFully(file, dst, pos);
    }

    /** Empties the file and the buffer. */
    void truncateAll() throws IOException {
        if (fileEnd > 0 || tornTail || buffer.position() > 0) {
            file.truncate(0);
            file.force();
        }
        buffer.clear();
        bufferedRecords = 0;
        fileEnd = 0;
        tornTail = false;
    }

    /** After the journal was rewritten into a new file of {@code length} bytes, all forced. */
    void replaced(JournalFile newFile, long length) {
        file = newFile;
        fileEnd = length;
        buffer.clear();
        bufferedRecords = 0;
        tornTail = false;
        writable = true;
    }

    /** The same file, opened again (a rewrite that could not be renamed into place). */
    void reopen(JournalFile sameFile) {
        file = sameFile;
    }

    /** A rewrite failed for want of space. */
    void unwritable() {
        writable = false;
    }

    void close() throws IOException {
        file.close();
    }
}
