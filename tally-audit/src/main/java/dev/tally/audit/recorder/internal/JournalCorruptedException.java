package dev.tally.audit.recorder.internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The spill journal is damaged before its last record: entries after the damage cannot be trusted
 * to be in order, so nothing is replayed or cut automatically. An operator must look at the file.
 */
public final class JournalCorruptedException extends IOException {

    private final Path file;
    private final long offset;

    public JournalCorruptedException(Path file, long offset, String reason) {
        super("spill journal " + file + " is corrupt at byte offset " + offset + ": " + reason
                + " (expected: valid records up to a possibly torn last one); it was left untouched and nothing"
                + " was replayed: inspect it, then move it aside to start");
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    /** Where the first bad record starts. */
    public long offset() {
        return offset;
    }
}
