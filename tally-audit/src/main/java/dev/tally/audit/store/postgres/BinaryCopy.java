package dev.tally.audit.store.postgres;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Rows in PostgreSQL's binary {@code COPY} format, built in memory and sent with pgjdbc's
 * {@link CopyManager} as one {@code COPY table (columns) FROM STDIN (FORMAT binary)}.
 *
 * <h2>Format (PostgreSQL docs, "COPY ... Binary Format")</h2>
 * <pre>
 * header   "PGCOPY\n\377\r\n\0", int32 flags = 0, int32 header extension length = 0
 * tuple    int16 field count, then per field int32 byte length (-1: NULL) and the bytes:
 *          text as UTF-8, bigint as 8 bytes big-endian, bytea as is, boolean as 1 byte
 * trailer  int16 -1
 * </pre>
 * Binary rather than text because the rows carry bytea (the canonical bytes), which the text
 * format would have to hex-encode and the server to decode; the server also parses nothing.
 * The column types the caller writes must match the table's, field by field: the server checks
 * only lengths (a bigint field must be 8 bytes), so the writer's column lists are fixed.
 *
 * <h2>One buffer for every batch</h2>
 * A writer keeps one per table and {@link #reset()}s it after each COPY, so its buffer grows to
 * a batch's size once and is reused: built afresh per batch from {@value #INITIAL_BYTES} bytes,
 * a batch of a thousand entries (about 1.5 MB) was copied five times as the buffer doubled, and
 * those copies (with the zeroing of each new array) were the writer thread's largest cost in a
 * profile of dense ingest. A buffer a batch grew past {@value #KEPT_BYTES} bytes (a very large
 * batch size) is let go at the reset rather than kept for the store's lifetime.
 *
 * <p>Not thread-safe: used by one thread at a time (the writer's, under the store's lock).
 */
public final class BinaryCopy {

    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0};
    private static final byte[] TRAILER = {(byte) 0xFF, (byte) 0xFF}; // int16 -1

    /** The buffer's first size. */
    static final int INITIAL_BYTES = 1 << 16;
    /** The largest buffer {@link #reset()} keeps for the next batch. */
    static final int KEPT_BYTES = 8 << 20;

    private final String sql;
    private final int columns;
    private byte[] buf = new byte[INITIAL_BYTES];
    private int size;
    private int rows;
    private int fieldsLeft;

    /**
     * @param table the table to copy into (a fixed name, never user input)
     * @param columns its columns in the order every row writes them
     */
    public BinaryCopy(String table, String... columns) {
        this.sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN (FORMAT binary)";
        this.columns = columns.length;
        System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
        size = HEADER.length;
    }

    /** Starts the next row; exactly as many fields as columns must follow. */
    public BinaryCopy row() {
        if (fieldsLeft != 0) {
            throw new IllegalStateException("row: " + fieldsLeft + " fields missing in row " + rows
                    + " (expected: " + columns + " per row)");
        }
        ensure(2);
        putShort(columns);
        fieldsLeft = columns;
        rows++;
        return this;
    }

    /** A bigint field. */
    public BinaryCopy int8(long value) {
        field(8);
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    /** A text field, or NULL. */
    public BinaryCopy text(String value) {
        return value == null ? nul() : bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /** A bytea field, or NULL. */
    public BinaryCopy bytes(byte[] value) {
        if (value == null) {
            return nul();
        }
        field(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buf, size, value.length);
        size += value.length;
        return this;
    }

    /** A boolean field. */
    public BinaryCopy bool(boolean value) {
        field(1);
        ensure(1);
        buf[size++] = (byte) (value ? 1 : 0);
        return this;
    }

    /** A NULL field. */
    public BinaryCopy nul() {
        field(-1);
        return this;
    }

    /**
     * Forgets every row, keeping the buffer (unless it grew past {@value #KEPT_BYTES} bytes):
     * the next rows start a new COPY. Call after {@link #copyInto}, or after it failed.
     */
    public BinaryCopy reset() {
        if (buf.length > KEPT_BYTES) {
            buf = new byte[INITIAL_BYTES];
            System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
        }
        size = HEADER.length;
        rows = 0;
        fieldsLeft = 0;
        return this;
    }

    /** Rows written so far. */
    public int rows() {
        return rows;
    }

    /**
     * Sends the rows with one COPY on {@code c} (inside its transaction, if one is open) and
     * returns how many rows the server took. Sends nothing when there are no rows. The rows stay
     * until {@link #reset()}.
     */
    public long copyInto(Connection c) throws SQLException {
        if (rows == 0) {
            return 0;
        }
        if (fieldsLeft != 0) {
            throw new IllegalStateException("copy: " + fieldsLeft + " fields missing in the last row");
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        CopyIn in = copy.copyIn(sql);
        try {
            in.writeToCopy(buf, 0, size);
            in.writeToCopy(TRAILER, 0, TRAILER.length);
            return in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private void field(int length) {
        if (fieldsLeft <= 0) {
            throw new IllegalStateException("field: more fields than the " + columns + " columns in row " + rows);
        }
        fieldsLeft--;
        ensure(4);
        buf[size++] = (byte) (length >>> 24);
        buf[size++] = (byte) (length >>> 16);
        buf[size++] = (byte) (length >>> 8);
        buf[size++] = (byte) length;
    }

    private void putShort(int value) {
        buf[size++] = (byte) (value >>> 8);
        buf[size++] = (byte) value;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
