package dev.tally.audit.recorder.internal;

import dev.tally.audit.files.PrivateFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file operations the spill journal needs, positional like {@link FileChannel}'s. It is the
 * seam through which tests give the journal a file that fails with ENOSPC or writes short after a
 * number of bytes; production uses {@link #channels()}. A write may write fewer bytes than asked
 * (the journal loops) or throw after writing some: the journal then cuts what it wrote.
 *
 * <p>Implementations need not be thread-safe: the journal calls them under its own lock.
 */
public interface JournalFile extends Closeable {

    /** Opens journal files. */
    @FunctionalInterface
    interface Opener {
        /** Opens {@code path} for reading and writing, creating it with mode 0600 when absent. */
        JournalFile open(Path path) throws IOException;
    }

    long size() throws IOException;

    /** Reads into {@code dst} from {@code position}; -1 at the end of the file. */
    int read(ByteBuffer dst, long position) throws IOException;

    /** Writes from {@code src} at {@code position}; returns how many bytes were written. */
    int write(ByteBuffer src, long position) throws IOException;

    void truncate(long size) throws IOException;

    /** Forces written data (not necessarily metadata) to the device. */
    void force() throws IOException;

    /** The production opener: a {@link FileChannel}, the file created 0600. */
    static Opener channels() {
        return path -> {
            PrivateFiles.ensureFile(path);
            FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new JournalFile() {
                @Override
                public long size() throws IOException {
                    return channel.size();
                }

                @Override
                public int read(ByteBuffer dst, long position) throws IOException {
                    return channel.read(dst, position);
                }

                @Override
                public int write(ByteBuffer src, long position) throws IOException {
                    return channel.write(src, position);
                }

                @Override
                public void truncate(long size) throws IOException {
                    channel.truncate(size);
                }

                @Override
                public void force() throws IOException {
                    channel.force(false);
                }

                @Override
                public void close() throws IOException {
                    channel.close();
                }
            };
        };
    }
}
