package dev.tally.audit.recorder.internal;

import dev.tally.audit.json.Json;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The spill journal: an append-only file in the data directory holding audit writes that could
 * not reach the store (it was failing, or the queue was full), in the order they must be
 * replayed.
 *
 * <h2>Format</h2>
 * A sequence of records, no file header. Each record is
 * <pre>
 *   length   4 bytes, big-endian, 1..16 MiB: the payload's size
 *   crc      4 bytes, big-endian: CRC32C of the payload
 *   payload  length bytes: UTF-8 JSON of one {@link JournalOp}
 *            {"entry":{"kind":"call",...},"op":"open"|"append"}
 * </pre>
 * Records are unsequenced: the chain (seq, hashes) is assigned when they are replayed.
 *
 * <h2>Durability</h2>
 * {@link #append} copies records into a 256 KiB buffer (so a caller spilling under overload pays a
 * memory copy, not a system call); the buffer goes to the file when it fills, before any read, and
 * on {@link #sync}, which then forces the file to the device. The writer syncs on every loop while
 * spilling (at least every {@code flush_interval}), and anyone who answers a waiting caller with
 * {@code SPILLED} syncs first. So an async write that spilled has the same window as one still in
 * the queue: a killed process can lose what was appended since the last sync.
 *
 * <h2>Recovery</h2>
 * {@link #open} scans every record. A last record that is incomplete, or whose CRC does not match
 * and which ends the file, or a tail of zero bytes, is a torn write: it is cut off, the number of
 * bytes cut is logged and kept in {@link #tailBytesCut()}. Any other bad record (damage followed
 * by more data) is corruption in the middle: {@link JournalCorruptedException}, nothing is cut or
 * skipped.
 *
 * <h2>Replay</h2>
 * {@link #read} returns records from the replay position; after they are committed the writer
 * calls {@link #markReplayed}; once everything is replayed {@link #truncateIfDrained} empties the
 * file. A crash between commit and truncation replays those records again on the next start,
 * which is why the writer skips entries the store already holds.
 *
 * <h2>One owner</h2>
 * While open, the journal holds an exclusive lock on {@code spill.journal.lock} beside it (an OS
 * file lock, released when the process dies), so a second recorder on the same data directory,
 * in this process or another, fails to start instead of replaying someone else's writes.
 *
 * <p>Thread-safe: every method is synchronized on the journal.
 */
public final class SpillJournal implements AutoCloseable {

    /** The journal's file name in the data directory. */
    public static final String FILE_NAME = "spill.journal";

    static final int HEADER_BYTES = 8;
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;
    static final int BUFFER_BYTES = 256 * 1024;

    private static final System.Logger LOG = System.getLogger(SpillJournal.class.getName());

    private final Path path;
    private final FileChannel lockChannel;
    private final long tailBytesCut;
    private FileChannel channel; // guarded by this
    private long size; // guarded by this: end of the valid records
    private long replayOffset; // guarded by this: start of the first record not yet replayed
    private long pendingRecords; // guarded by this: records after replayOffset
    private boolean dirty; // guarded by this: appended since the last sync
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_BYTES); // guarded by this: bytes after fileEnd
    private long fileEnd; // guarded by this: bytes written to the file

    private SpillJournal(Path path, FileChannel lockChannel, FileChannel channel, long size, long records,
            long tailBytesCut) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.channel = channel;
        this.size = size;
        this.fileEnd = size;
        this.pendingRecords = records;
        this.tailBytesCut = tailBytesCut;
    }

    /**
     * Opens (or creates) the journal at {@code path}, cutting a torn tail.
     *
     * @throws JournalCorruptedException when a record before the last one is damaged
     */
    public static SpillJournal open(Path path) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        FileChannel lockChannel = lock(path.resolveSibling(path.getFileName() + ".lock"));
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        try {
            long fileSize = channel.size();
            long[] scan = scan(path, channel, fileSize);
            long valid = scan[0];
            long cut = fileSize - valid;
            if (cut > 0) {
                channel.truncate(valid);
                channel.force(true);
                LOG.log(Level.WARNING, "spill journal {0}: cut a torn tail of {1} bytes after {2} intact records"
                        + " at offset {3}", path, Long.toString(cut), Long.toString(scan[1]), Long.toString(valid));
            }
            return new SpillJournal(path, lockChannel, channel, valid, scan[1], cut);
        } catch (IOException | RuntimeException e) {
            channel.close();
            lockChannel.close();
            throw e;
        }
    }

    private static FileChannel lock(Path lockFile) throws IOException {
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        java.nio.channels.FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("spill journal lock " + lockFile + ": held by another recorder (expected: one"
                    + " recorder per data directory; is another gateway or CLI command using it?)");
        }
        return channel;
    }

    /** Returns {validEnd, records}. */
    private static long[] scan(Path path, FileChannel channel, long fileSize) throws IOException {
        long pos = 0;
        long records = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        while (pos < fileSize) {
            if (fileSize - pos < HEADER_BYTES) {
                return new long[] {pos, records};
            }
            header.clear();
            readFully(channel, header, pos);
            int length = header.getInt(0);
            int crc = header.getInt(4);
            if (length <= 0 || length > MAX_PAYLOAD) {
                if (zerosFrom(channel, pos, fileSize)) {
                    return new long[] {pos, records};
                }
                throw new JournalCorruptedException(path, pos,
                        "record length " + length + " (expected: 1.." + MAX_PAYLOAD + ")");
            }
            long end = pos + HEADER_BYTES + length;
            if (end > fileSize) {
                return new long[] {pos, records};
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(channel, payload, pos + HEADER_BYTES);
            if (crc32c(payload.array()) != crc) {
                if (end == fileSize || zerosFrom(channel, end, fileSize)) {
                    return new long[] {pos, records};
                }
                throw new JournalCorruptedException(path, pos, "CRC32C mismatch in record " + (records + 1));
            }
            pos = end;
            records++;
        }
        return new long[] {pos, records};
    }

    private static boolean zerosFrom(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long pos = from;
        while (pos < to) {
            buffer.clear();
            int n = channel.read(buffer, pos);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (buffer.get(i) != 0) {
                    return false;
                }
            }
            pos += n;
        }
        return true;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long pos) throws IOException {
        long at = pos;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of spill journal at offset " + at);
            }
            at += n;
        }
    }

    static int crc32c(byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return (int) crc.getValue();
    }

    /** The bytes of {@code ops} as journal records (see the format above). */
    public static byte[] encode(List<JournalOp> ops) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (JournalOp op : ops) {
            byte[] payload = Json.mapper().writeValueAsBytes(op);
            if (payload.length > MAX_PAYLOAD) {
                throw new IOException("journal record: " + payload.length + " bytes (expected: <= " + MAX_PAYLOAD + ")");
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(payload.length).putInt(crc32c(payload));
            out.write(header.array());
            out.write(payload);
        }
        return out.toByteArray();
    }

    /** Appends ops at the end, in order, without forcing them to the device (see {@link #sync}). */
    public void append(List<JournalOp> ops) throws IOException {
        if (!ops.isEmpty()) {
            appendEncoded(encode(ops), ops.size());
        }
    }

    /**
     * Appends records already encoded with {@link #encode} (so a caller can encode before taking
     * any lock).
     */
    public synchronized void appendEncoded(byte[] records, int count) throws IOException {
        if (records.length > buffer.remaining()) {
            flushBuffer();
        }
        if (records.length > buffer.remaining()) {
            writeAt(ByteBuffer.wrap(records), fileEnd);
            fileEnd += records.length;
        } else {
            buffer.put(records);
        }
        size += records.length;
        pendingRecords += count;
        dirty = true;
    }

    private void flushBuffer() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        int length = buffer.remaining();
        writeAt(buffer, fileEnd);
        buffer.clear();
        fileEnd += length;
    }

    private void writeAt(ByteBuffer bytes, long at) throws IOException {
        long pos = at;
        while (bytes.hasRemaining()) {
            pos += channel.write(bytes, pos);
        }
    }

    /**
     * Puts ops before every record not yet replayed (the writer's failed batch, which is older than
     * anything callers spilled meanwhile). Rewrites the file through a synced temporary file and an
     * atomic rename, so a crash leaves either the old or the new journal.
     */
    public synchronized void prepend(List<JournalOp> ops) throws IOException {
        if (ops.isEmpty()) {
            return;
        }
        if (replayOffset == size) {
            truncateIfDrained();
            append(ops);
            return;
        }
        flushBuffer();
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        ByteBuffer rest = ByteBuffer.allocate(Math.toIntExact(size - replayOffset));
        readFully(channel, rest, replayOffset);
        rest.flip();
        byte[] head = encode(ops);
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer first = ByteBuffer.wrap(head);
            while (first.hasRemaining()) {
                out.write(first);
            }
            while (rest.hasRemaining()) {
                out.write(rest);
            }
            out.force(true);
        }
        channel.close();
        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        size = channel.size();
        fileEnd = size;
        replayOffset = 0;
        pendingRecords += ops.size();
        dirty = false;
    }

    /** Forces appended records to the device; returns at once when nothing was appended since. */
    public synchronized void sync() throws IOException {
        if (dirty) {
            flushBuffer();
            channel.force(false);
            dirty = false;
        }
    }

    /** A slice of records from the replay position: the ops and the offset just after them. */
    public record Chunk(List<JournalOp> ops, long endOffset) {
    }

    /**
     * Up to {@code max} records from the replay position, in order. Only the file read holds the
     * journal's lock; parsing happens outside it, so spilling callers are not held up.
     */
    public Chunk read(int max) throws IOException {
        List<byte[]> payloads = new ArrayList<>();
        long[] offsets = new long[1];
        long end = readRaw(max, payloads, offsets);
        List<JournalOp> ops = new ArrayList<>(payloads.size());
        long pos = offsets[0];
        for (byte[] payload : payloads) {
            try {
                ops.add(Json.mapper().readValue(payload, JournalOp.class));
            } catch (IOException | IllegalArgumentException e) {
                throw new JournalCorruptedException(path, pos, "payload is not a journal op: " + e.getMessage());
            }
            pos += HEADER_BYTES + payload.length;
        }
        return new Chunk(ops, end);
    }

    private synchronized long readRaw(int max, List<byte[]> payloads, long[] start) throws IOException {
        flushBuffer();
        long pos = replayOffset;
        start[0] = pos;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        while (pos < size && payloads.size() < max) {
            header.clear();
            readFully(channel, header, pos);
            int length = header.getInt(0);
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(channel, payload, pos + HEADER_BYTES);
            if (crc32c(payload.array()) != header.getInt(4)) {
                throw new JournalCorruptedException(path, pos, "CRC32C mismatch on replay");
            }
            payloads.add(payload.array());
            pos += HEADER_BYTES + length;
        }
        return pos;
    }

    /** Records that everything before {@code endOffset} (from {@link #read}) is now in the store. */
    public synchronized void markReplayed(Chunk chunk) {
        if (chunk.endOffset() < replayOffset || chunk.endOffset() > size) {
            throw new IllegalStateException("replay offset: " + chunk.endOffset() + " (expected: " + replayOffset
                    + ".." + size + ")");
        }
        replayOffset = chunk.endOffset();
        pendingRecords -= chunk.ops().size();
    }

    /** Empties the file when every record was replayed; returns whether it is now empty. */
    public synchronized boolean truncateIfDrained() throws IOException {
        if (replayOffset != size) {
            return false;
        }
        if (size > 0) {
            channel.truncate(0);
            channel.force(true);
        }
        buffer.clear();
        size = 0;
        fileEnd = 0;
        replayOffset = 0;
        pendingRecords = 0;
        dirty = false;
        return true;
    }

    /** Whether records wait for replay. */
    public synchronized boolean hasPending() {
        return replayOffset < size;
    }

    /** Records waiting for replay. */
    public synchronized long pendingRecords() {
        return pendingRecords;
    }

    /** Bytes of a torn tail cut when the journal was opened (0 when it was intact). */
    public long tailBytesCut() {
        return tailBytesCut;
    }

    public Path path() {
        return path;
    }

    /** Syncs and closes the journal, then releases its lock; idempotent. */
    @Override
    public synchronized void close() throws IOException {
        try {
            if (channel.isOpen()) {
                sync();
                channel.close();
            }
        } finally {
            lockChannel.close(); // releases the lock
        }
    }
}
