package dev.tally.audit.recorder.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32C;
import javax.crypto.Mac;

/**
 * The bytes of spill journal format v2 (documented in {@link SpillJournal}): the file header, the
 * framing of one record, its checks, and the start-up scan that finds the end of the intact
 * records. Stateless helpers; the {@link Mac} passed in is the caller's (not thread-safe).
 */
final class JournalFormat {

    static final byte[] MAGIC = "TALLYSJ2".getBytes(StandardCharsets.US_ASCII);
    static final int ID_BYTES = 16;
    static final int FILE_HEADER_BYTES = MAGIC.length + ID_BYTES;
    static final int MAC_BYTES = 32;
    /** length, crc, seq, mac. */
    static final int RECORD_HEADER_BYTES = 4 + 4 + 8 + MAC_BYTES;
    static final int MAX_PAYLOAD = 16 * 1024 * 1024;
    private static final byte[] MAC_CONTEXT = "tally-spill-v2\0".getBytes(StandardCharsets.US_ASCII);

    private JournalFormat() {
    }

    static byte[] fileHeader(byte[] journalId) {
        return ByteBuffer.allocate(FILE_HEADER_BYTES).put(MAGIC).put(journalId).array();
    }

    /** The framed record: length, CRC32C of everything after it, seq, MAC, payload. */
    static byte[] frame(Mac mac, byte[] journalId, long seq, byte[] payload) {
        byte[] tag = mac(mac, journalId, seq, payload);
        ByteBuffer out = ByteBuffer.allocate(RECORD_HEADER_BYTES + payload.length);
        out.putInt(payload.length).putInt(0).putLong(seq).put(tag).put(payload);
        byte[] bytes = out.array();
        ByteBuffer.wrap(bytes).putInt(4, crc(bytes, 8, bytes.length - 8));
        return bytes;
    }

    /** HMAC-SHA-256 over the context, the journal id, the seq (8 bytes, big-endian) and the payload. */
    static byte[] mac(Mac mac, byte[] journalId, long seq, byte[] payload) {
        mac.reset();
        mac.update(MAC_CONTEXT);
        mac.update(journalId);
        mac.update(ByteBuffer.allocate(8).putLong(seq).array());
        mac.update(payload);
        return mac.doFinal();
    }

    static boolean macMatches(Mac mac, byte[] journalId, long seq, byte[] payload, byte[] tag) {
        return MessageDigest.isEqual(mac(mac, journalId, seq, payload), tag);
    }

    static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    /** A record's header fields, as read. */
    record Header(int length, int crc, long seq, byte[] tag) {
        static Header parse(ByteBuffer header) {
            byte[] tag = new byte[MAC_BYTES];
            header.get(16, tag);
            return new Header(header.getInt(0), header.getInt(4), header.getLong(8), tag);
        }

        boolean lengthValid() {
            return length > 0 && length <= MAX_PAYLOAD;
        }

        /** Whether the CRC covers this header's seq and MAC and {@code payload}. */
        boolean crcMatches(byte[] payload) {
            CRC32C crc32 = new CRC32C();
            crc32.update(ByteBuffer.allocate(8 + MAC_BYTES).putLong(seq).put(tag).array());
            crc32.update(payload);
            return (int) crc32.getValue() == crc;
        }
    }

    /**
     * What the start-up scan found.
     *
     * @param validEnd end of the last intact record (0 for an empty journal)
     * @param records intact records
     * @param maxSeq highest seq among those whose MAC matches (0 if none): a forged record cannot
     *     push the numbering of later genuine records
     * @param journalId the journal's id, null when the journal is empty
     */
    record Scan(long validEnd, long records, long maxSeq, byte[] journalId) {
    }

    /**
     * Finds the end of the intact records. A torn tail (an incomplete record, a last record whose
     * CRC does not match, zeros to the end of the file, an incomplete file header) ends the scan
     * there; damage followed by more data is corruption in the middle.
     *
     * @throws JournalCorruptedException on corruption in the middle, or when the file is not a v2 journal
     */
    static Scan scan(Path path, JournalFile file, long fileSize, Mac mac) throws IOException {
        if (fileSize == 0) {
            return new Scan(0, 0, 0, null);
        }
        if (fileSize < FILE_HEADER_BYTES) {
            ByteBuffer start = ByteBuffer.allocate((int) fileSize);
            readFully(file, start, 0);
            byte[] prefix = Arrays.copyOf(start.array(), Math.min(MAGIC.length, (int) fileSize));
            if (zerosFrom(file, 0, fileSize) || Arrays.equals(prefix, Arrays.copyOf(MAGIC, prefix.length))) {
                return new Scan(0, 0, 0, null); // a torn header: the first append was cut short
            }
            throw notV2(path);
        }
        ByteBuffer fileHeader = ByteBuffer.allocate(FILE_HEADER_BYTES);
        readFully(file, fileHeader, 0);
        if (!Arrays.equals(Arrays.copyOf(fileHeader.array(), MAGIC.length), MAGIC)) {
            if (zerosFrom(file, 0, fileSize)) {
                return new Scan(0, 0, 0, null);
            }
            throw notV2(path);
        }
        byte[] id = Arrays.copyOfRange(fileHeader.array(), MAGIC.length, FILE_HEADER_BYTES);
        long pos = FILE_HEADER_BYTES;
        long records = 0;
        long maxSeq = 0;
        ByteBuffer headerBytes = ByteBuffer.allocate(RECORD_HEADER_BYTES);
        while (pos < fileSize) {
            if (fileSize - pos < RECORD_HEADER_BYTES) {
                break;
            }
            headerBytes.clear();
            readFully(file, headerBytes, pos);
            Header header = Header.parse(headerBytes);
            if (!header.lengthValid()) {
                if (zerosFrom(file, pos, fileSize)) {
                    break;
                }
                throw new JournalCorruptedException(path, pos,
                        "record length " + header.length() + " (expected: 1.." + MAX_PAYLOAD + ")");
            }
            long end = pos + RECORD_HEADER_BYTES + header.length();
            if (end > fileSize) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(header.length());
            readFully(file, payload, pos + RECORD_HEADER_BYTES);
            if (!header.crcMatches(payload.array())) {
                if (end == fileSize || zerosFrom(file, end, fileSize)) {
                    break;
                }
                throw new JournalCorruptedException(path, pos, "CRC32C mismatch in record " + (records + 1));
            }
            if (macMatches(mac, id, header.seq(), payload.array(), header.tag())) {
                maxSeq = Math.max(maxSeq, header.seq());
            }
            pos = end;
            records++;
        }
        return new Scan(pos, records, maxSeq, id);
    }

    private static JournalCorruptedException notV2(Path path) {
        return new JournalCorruptedException(path, 0, "no format v2 header " + new String(MAGIC,
                StandardCharsets.US_ASCII) + " (a journal of an older, unauthenticated format, or another file)");
    }

    static boolean zerosFrom(JournalFile file, long from, long to) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long pos = from;
        while (pos < to) {
            buffer.clear();
            int n = file.read(buffer, pos);
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

    static void readFully(JournalFile file, ByteBuffer buffer, long pos) throws IOException {
        long at = pos;
        while (buffer.hasRemaining()) {
            int n = file.read(buffer, at);
            if (n < 0) {
                throw new IOException("spill journal ends at offset " + at + " (expected: "
                        + buffer.remaining() + " more bytes there)");
            }
            at += n;
        }
    }

    static void writeFully(JournalFile file, ByteBuffer bytes, long at) throws IOException {
        long pos = at;
        while (bytes.hasRemaining()) {
            pos += file.write(bytes, pos);
        }
    }
}
