package dev.tally.audit.recorder.internal;

import static dev.tally.audit.recorder.internal.JournalFormat.FILE_HEADER_BYTES;
import static dev.tally.audit.recorder.internal.JournalFormat.RECORD_HEADER_BYTES;

import dev.tally.audit.files.PrivateFiles;
import dev.tally.audit.json.Json;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;

/**
 * The spill journal: an append-only file in the data directory holding audit writes that could
 * not reach the store (it was failing, or the queue was full), in the order they must be replayed.
 *
 * <h2>Format (v2)</h2>
 * An empty journal is an empty file. Otherwise a file header, then records:
 * <pre>
 *   header   8 bytes "TALLYSJ2", then 16 random bytes: the journal id, new each time the journal
 *            starts anew (its first record after being emptied, or a rewrite by {@link #prepend})
 *   record   length  4 bytes, big-endian, 1..16 MiB: the payload's size
 *            crc     4 bytes, big-endian: CRC32C of seq, mac and payload (finds torn writes)
 *            seq     8 bytes, big-endian: 1, 2, 3, ... the record's position in this journal
 *            mac     32 bytes: HMAC-SHA-256(journal key, "tally-spill-v2\0" || journal id || seq || payload)
 *            payload length bytes: UTF-8 JSON of one {@link JournalOp}
 * </pre>
 * The chain (seq, hashes in the store) is assigned when records are replayed. The MAC key is in
 * {@code journal.key} beside the signing key ({@link JournalKey}), never in the journal.
 *
 * <h2>Authentication</h2>
 * Replay accepts a record only if its MAC matches and its seq is higher than the last accepted
 * record's. So a record that was injected or edited (a CRC can be recomputed, the MAC cannot without
 * the key) fails the MAC; a record moved before an earlier one, or copied a second time, fails the
 * order check; a record copied from another journal (or from this file before it was emptied) fails
 * the MAC, which covers the journal id. Refused records are counted and reported, never chained.
 * What the MAC cannot show: records deleted from the middle or the end (a gap in seq is logged), and
 * an old journal file restored whole (its records were replayed before: the store already holds
 * their ids and replay skips them).
 *
 * <h2>Durability and full disks</h2>
 * {@link #append} frames records into a 256 KiB memory buffer; the buffer goes to the file when it
 * fills and on {@link #sync}, which then forces the file. The journal's view is exact at all times:
 * {@code fileEnd} is the end of the whole records on disk, the buffer holds whole records not yet
 * written. A write that fails (ENOSPC) or stops short after some bytes is cut back at once
 * (truncated to {@code fileEnd}; should even that fail, the next write overwrites the stray bytes and
 * nothing reads past {@code fileEnd}); the records stay in the buffer and are written again by the
 * next sync. A durable append ({@code durable = true}, for a caller who waits) is all or nothing: if
 * its sync fails its own records are taken back out, so the caller can be told it was not recorded.
 * An append that would pass {@code journal_max_bytes}, or that finds the buffer full and the disk
 * refusing, throws: the caller counts those writes as lost. {@link #accepting()} says whether the
 * journal takes writes now; while it does not, each sync probes the disk (writes 64 KiB past the end
 * and cuts them again) so it turns true by itself once space returns.
 *
 * <h2>Recovery</h2>
 * {@link #open} scans every record. A last record that is incomplete, or whose CRC does not match
 * and which ends the file, a tail of zero bytes, or an incomplete file header, is a torn write: it is
 * cut off, the number of bytes cut is logged and kept in {@link #tailBytesCut()}. Any other bad
 * record is corruption in the middle: {@link JournalCorruptedException}, nothing is cut or skipped.
 * A file of format v1 (no header, CRC only) is refused the same way: it is not authenticated.
 *
 * <h2>Replay</h2>
 * {@link #read} returns records from the replay position; after they are committed the writer
 * calls {@link #markReplayed}; once everything is replayed {@link #truncateIfDrained} empties the
 * file. A crash between commit and truncation replays those records again on the next start,
 * which is why the writer skips entries the store already holds.
 *
 * <h2>One owner</h2>
 * While open, the journal holds an exclusive lock on {@code spill.journal.lock} beside it (an OS
 * file lock, released when the process dies), so a second recorder on the same data directory
 * fails to start instead of replaying someone else's writes. The journal, its lock and the
 * temporary file of a rewrite are created with mode 0600.
 *
 * <p>Thread-safe: every method that touches the file is synchronized on the journal; the
 * {@code ...View} fields mirror the state for lock-free readers (stats, close with a timeout).
 */
public final class SpillJournal implements AutoCloseable {

    /** The journal's file name in the data directory. */
    public static final String FILE_NAME = "spill.journal";

    private static final System.Logger LOG = System.getLogger(SpillJournal.class.getName());

    private final Path path;
    private final JournalFile.Opener opener;
    private final Mac mac; // guarded by this
    private final long maxBytes;
    private final long acceptReserve;
    private final FileChannel lockChannel;
    private final long tailBytesCut;
    private final SecureRandom random = new SecureRandom();
    private final JournalTail tail; // guarded by this
    private boolean closed; // guarded by this
    private byte[] journalId; // guarded by this: null while the journal is empty
    private long size; // guarded by this: the tail's end
    private long replayOffset; // guarded by this: start of the first record not yet replayed
    private long pendingRecords; // guarded by this: records after replayOffset
    private long unforcedRecords; // guarded by this: appended since the last successful force
    private long nextSeq = 1; // guarded by this
    private long lastAcceptedSeq; // guarded by this: replay's order check
    private long rejected; // guarded by this
    private volatile long sizeView;
    private volatile long pendingView;
    private volatile long unforcedView;
    private volatile boolean acceptingView = true;

    private SpillJournal(Path path, JournalFile.Opener opener, JournalKey key, long maxBytes, FileChannel lockChannel,
            JournalFile file, JournalFormat.Scan scan, long tailBytesCut) {
        this.path = path;
        this.opener = opener;
        this.mac = key.mac();
        this.maxBytes = maxBytes;
        this.acceptReserve = Math.min(JournalTail.PROBE_BYTES, maxBytes / 16);
        this.lockChannel = lockChannel;
        this.tail = new JournalTail(file, scan.validEnd());
        this.journalId = scan.journalId();
        this.size = scan.validEnd();
        this.replayOffset = scan.journalId() == null ? 0 : FILE_HEADER_BYTES;
        this.pendingRecords = scan.records();
        this.nextSeq = scan.maxSeq() + 1;
        this.tailBytesCut = tailBytesCut;
        publish();
    }

    /**
     * Opens the journal at {@code path} with the key in {@code journal.key} beside it (created on
     * first use), the default {@code journal_max_bytes} and plain files. For tools and tests.
     */
    public static SpillJournal open(Path path) throws IOException {
        return open(path, JournalKey.loadOrCreate(path.toAbsolutePath().getParent(), new SecureRandom()),
                dev.tally.audit.recorder.RecorderConfig.DEFAULT_JOURNAL_MAX_BYTES, JournalFile.channels());
    }

    /**
     * Opens (or creates, 0600) the journal at {@code path}, cutting a torn tail.
     *
     * @param maxBytes the journal never grows past this ({@code journal_max_bytes})
     * @throws JournalCorruptedException when a record before the last one is damaged, or the file is not format v2
     */
    public static SpillJournal open(Path path, JournalKey key, long maxBytes, JournalFile.Opener opener)
            throws IOException {
        PrivateFiles.createDirectories(path.toAbsolutePath().getParent());
        FileChannel lockChannel = lock(path.resolveSibling(path.getFileName() + ".lock"));
        JournalFile file = null;
        try {
            file = opener.open(path);
            long fileSize = file.size();
            JournalFormat.Scan scan = JournalFormat.scan(path, file, fileSize, key.mac());
            long cut = fileSize - scan.validEnd();
            if (cut > 0) {
                file.truncate(scan.validEnd());
                file.force();
                LOG.log(Level.WARNING, "spill journal {0}: cut a torn tail of {1} bytes after {2} intact records"
                        + " at offset {3}", path, Long.toString(cut), Long.toString(scan.records()),
                        Long.toString(scan.validEnd()));
            }
            return new SpillJournal(path, opener, key, maxBytes, lockChannel, file, scan, cut);
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                file.close();
            }
            lockChannel.close();
            throw e;
        }
    }

    private static FileChannel lock(Path lockFile) throws IOException {
        PrivateFiles.ensureFile(lockFile);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
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

    /** The payload of one record: the op's JSON (computed outside any lock by callers who can). */
    public static byte[] payload(JournalOp op) throws IOException {
        byte[] payload = Json.mapper().writeValueAsBytes(op);
        if (payload.length > JournalFormat.MAX_PAYLOAD) {
            throw new IOException("journal record: " + payload.length + " bytes (expected: <= "
                    + JournalFormat.MAX_PAYLOAD + ")");
        }
        return payload;
    }

    static List<byte[]> payloads(List<JournalOp> ops) throws IOException {
        List<byte[]> out = new ArrayList<>(ops.size());
        for (JournalOp op : ops) {
            out.add(payload(op));
        }
        return out;
    }

    /** Appends ops at the end, in order, without forcing them to the device (see {@link #sync}). */
    public void append(List<JournalOp> ops) throws IOException {
        if (!ops.isEmpty()) {
            appendPayloads(payloads(ops), false);
        }
    }

    /**
     * Appends records whose payloads are given ({@link #payload}). With {@code durable}, also syncs,
     * and if that fails takes these records out again and throws, leaving the journal as before.
     *
     * @throws JournalFullException when they would take the journal past {@code journal_max_bytes}
     * @throws IOException when they can be neither buffered nor written
     */
    public synchronized void appendPayloads(List<byte[]> payloads, boolean durable) throws IOException {
        if (payloads.isEmpty()) {
            return;
        }
        long need = size == 0 ? FILE_HEADER_BYTES : 0;
        for (byte[] payload : payloads) {
            need += RECORD_HEADER_BYTES + payload.length;
        }
        if (size + need > maxBytes) {
            throw new JournalFullException("spill journal " + path + ": " + size + " + " + need
                    + " bytes would pass journal_max_bytes " + maxBytes);
        }
        Mark mark = mark();
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream((int) Math.min(need, 1 << 20));
            if (size == 0) {
                journalId = new byte[JournalFormat.ID_BYTES];
                random.nextBytes(journalId);
                out.write(JournalFormat.fileHeader(journalId));
                replayOffset = FILE_HEADER_BYTES;
            }
            for (byte[] payload : payloads) {
                out.write(JournalFormat.frame(mac, journalId, nextSeq++, payload));
            }
            byte[] records = out.toByteArray();
            tail.append(records, payloads.size());
            size += records.length;
            pendingRecords += payloads.size();
            unforcedRecords += payloads.size();
            if (durable) {
                syncLocked();
            }
        } catch (IOException | RuntimeException e) {
            rollback(mark);
            throw e;
        } finally {
            publish();
        }
    }

    private record Mark(long size, int bufferedRecords, long pending, long unforced, long nextSeq, long replayOffset,
            byte[] journalId) {
    }

    private Mark mark() {
        return new Mark(size, tail.bufferedRecords(), pendingRecords, unforcedRecords, nextSeq, replayOffset,
                journalId);
    }

    /** Undoes an append: every byte from where it started leaves the buffer, or the file when it reached it. */
    private void rollback(Mark mark) {
        tail.cutBackTo(mark.size(), mark.bufferedRecords());
        size = mark.size();
        pendingRecords = mark.pending();
        unforcedRecords = mark.unforced();
        nextSeq = mark.nextSeq();
        replayOffset = mark.replayOffset();
        journalId = mark.journalId();
    }

    /**
     * Writes buffered records and forces the file; returns at once when everything is forced. While
     * the journal is not writable and nothing is buffered, probes for space instead.
     */
    public synchronized void sync() throws IOException {
        try {
            syncLocked();
        } finally {
            publish();
        }
    }

    private void syncLocked() throws IOException {
        if (!tail.hasBuffered() && unforcedRecords == 0) {
            tail.probeIfUnwritable();
            return;
        }
        tail.flush();
        tail.force();
        unforcedRecords = 0;
    }

    /**
     * Puts ops before every record not yet replayed (the writer's failed batch, which is older than
     * anything callers spilled meanwhile). Rewrites the journal under a new id through a synced
     * temporary file and an atomic rename, so a crash leaves either the old or the new journal.
     * The rewritten file is forced before the rename; when nothing is pending the ops are simply
     * appended, durably (all or nothing, see {@link #appendPayloads}) if {@code durable}. Returns how
     * many of the old records were refused (bad MAC, out of order) and left out.
     */
    public synchronized int prepend(List<JournalOp> ops, boolean durable) throws IOException {
        if (ops.isEmpty()) {
            return 0;
        }
        try {
            if (replayOffset == size) {
                truncateIfDrained();
                appendPayloads(payloads(ops), durable);
                return 0;
            }
            Collected rest = collect(replayOffset, size, Integer.MAX_VALUE, lastAcceptedSeq);
            int refused = rest.refused();
            List<byte[]> all = new ArrayList<>(payloads(ops));
            all.addAll(rest.payloads());
            byte[] id = new byte[JournalFormat.ID_BYTES];
            random.nextBytes(id);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            out.write(JournalFormat.fileHeader(id));
            long seq = 1;
            for (byte[] payload : all) {
                out.write(JournalFormat.frame(mac, id, seq++, payload));
            }
            byte[] bytes = out.toByteArray();
            if (bytes.length > maxBytes) {
                throw new JournalFullException("spill journal " + path + ": rewriting it takes " + bytes.length
                        + " bytes, more than journal_max_bytes " + maxBytes);
            }
            replaceWith(bytes);
            journalId = id;
            size = bytes.length;
            unforcedRecords = 0;
            replayOffset = FILE_HEADER_BYTES;
            pendingRecords = all.size();
            nextSeq = seq;
            lastAcceptedSeq = 0;
            rejected += refused;
            return refused;
        } finally {
            publish();
        }
    }

    private void replaceWith(byte[] bytes) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (JournalFile out = opener.open(tmp)) {
            out.truncate(0);
            JournalFormat.writeFully(out, ByteBuffer.wrap(bytes), 0);
            out.force();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            tail.unwritable();
            throw e;
        }
        tail.close();
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            tail.reopen(opener.open(path)); // the old file is still in place, the buffer still valid
            throw e;
        }
        tail.replaced(opener.open(path), bytes.length);
    }

    /**
     * A slice of records from the replay position.
     *
     * @param ops the accepted records, in order
     * @param endOffset the offset just after the last record read
     * @param rejected records refused (bad MAC or CRC, out of order, unreadable): never to be chained
     * @param records every record read, accepted or refused
     * @param lastSeq the seq of the last accepted record (for the order check of the next chunk)
     */
    public record Chunk(List<JournalOp> ops, long endOffset, int rejected, long records, long lastSeq) {
    }

    /** What {@link #collect} found. */
    private record Collected(List<byte[]> payloads, int refused, long end, long lastSeq) {
    }

    /**
     * Up to {@code max} records from the replay position, in order, read from the file or from the
     * buffer (records not yet written are replayed from memory). Records that fail the MAC or the
     * order check are refused: left out of {@code ops}, counted in {@code rejected} (and in
     * {@link #rejectedRecords()} once the chunk is marked replayed).
     *
     * @throws IOException when the file cannot be read, or was cut shorter than the journal knows it
     */
    public synchronized Chunk read(int max) throws IOException {
        Collected found = collect(replayOffset, size, max, lastAcceptedSeq);
        List<JournalOp> ops = new ArrayList<>(found.payloads().size());
        int refused = found.refused();
        for (byte[] payload : found.payloads()) {
            try {
                ops.add(Json.mapper().readValue(payload, JournalOp.class));
            } catch (IOException | IllegalArgumentException e) {
                refused++; // authentic but unreadable (another version wrote it): never chained
            }
        }
        return new Chunk(ops, found.end(), refused, found.payloads().size() + found.refused(), found.lastSeq());
    }

    /** Reads records in [from, to), at most {@code max}; accepted payloads are returned, refused ones counted. */
    private Collected collect(long from, long to, int max, long acceptedBefore) throws IOException {
        List<byte[]> out = new ArrayList<>();
        long pos = from;
        long accepted = acceptedBefore;
        int refused = 0;
        ByteBuffer headerBytes = ByteBuffer.allocate(RECORD_HEADER_BYTES);
        while (pos < to && out.size() + refused < max) {
            headerBytes.clear();
            readAt(headerBytes, pos);
            JournalFormat.Header header = JournalFormat.Header.parse(headerBytes);
            if (!header.lengthValid() || pos + RECORD_HEADER_BYTES + header.length() > to) {
                throw new JournalCorruptedException(path, pos, "record length " + header.length()
                        + " (expected: 1.." + JournalFormat.MAX_PAYLOAD + ", within the journal)");
            }
            ByteBuffer payload = ByteBuffer.allocate(header.length());
            readAt(payload, pos + RECORD_HEADER_BYTES);
            boolean ok = header.crcMatches(payload.array())
                    && JournalFormat.macMatches(mac, journalId, header.seq(), payload.array(), header.tag())
                    && header.seq() > accepted;
            if (ok) {
                out.add(payload.array());
                accepted = header.seq();
            } else {
                refused++;
            }
            pos += RECORD_HEADER_BYTES + header.length();
        }
        return new Collected(out, refused, pos, accepted);
    }

    private void readAt(ByteBuffer dst, long pos) throws IOException {
        tail.readAt(dst, pos);
    }

    /** Records that everything before {@code endOffset} (from {@link #read}) is now in the store. */
    public synchronized void markReplayed(Chunk chunk) {
        if (chunk.endOffset() < replayOffset || chunk.endOffset() > size) {
            throw new IllegalStateException("replay offset: " + chunk.endOffset() + " (expected: " + replayOffset
                    + ".." + size + ")");
        }
        replayOffset = chunk.endOffset();
        pendingRecords = Math.max(0, pendingRecords - chunk.records());
        lastAcceptedSeq = Math.max(lastAcceptedSeq, chunk.lastSeq());
        rejected += chunk.rejected();
        publish();
    }

    /** Empties the file when every record was replayed; returns whether it is now empty. */
    public synchronized boolean truncateIfDrained() throws IOException {
        if (replayOffset != size) {
            return false;
        }
        tail.truncateAll();
        journalId = null;
        size = 0;
        replayOffset = 0;
        pendingRecords = 0;
        unforcedRecords = 0;
        nextSeq = 1;
        lastAcceptedSeq = 0;
        publish();
        return true;
    }

    private void publish() {
        sizeView = size;
        pendingView = pendingRecords;
        unforcedView = unforcedRecords;
        acceptingView = tail.writable() && size + acceptReserve <= maxBytes;
    }

    /** Whether records wait for replay. */
    public synchronized boolean hasPending() {
        return replayOffset < size;
    }

    /** Records waiting for replay (lock-free snapshot). */
    public long pendingRecords() {
        return pendingView;
    }

    /** Records appended but not yet forced to the device (lock-free snapshot): a killed process loses them. */
    public long unforcedRecords() {
        return unforcedView;
    }

    /** The journal's size in bytes, records still in memory included (lock-free snapshot). */
    public long sizeBytes() {
        return sizeView;
    }

    /** Whether the journal takes writes now: its last write succeeded and it is not near {@code journal_max_bytes}. */
    public boolean accepting() {
        return acceptingView;
    }

    /** Records refused at replay since open (bad MAC, out of order, unreadable). */
    public synchronized long rejectedRecords() {
        return rejected;
    }

    /** Bytes of a torn tail cut when the journal was opened (0 when it was intact). */
    public long tailBytesCut() {
        return tailBytesCut;
    }

    public Path path() {
        return path;
    }

    /** Syncs (as far as the disk allows) and closes the journal, then releases its lock; idempotent. */
    @Override
    public synchronized void close() throws IOException {
        try {
            if (!closed) {
                closed = true;
                try {
                    syncLocked();
                } finally {
                    tail.close();
                    publish();
                }
            }
        } finally {
            lockChannel.close(); // releases the lock
        }
    }
}
