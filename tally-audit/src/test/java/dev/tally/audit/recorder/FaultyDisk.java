package dev.tally.audit.recorder;

import dev.tally.audit.recorder.internal.JournalFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file layer for the spill journal that behaves like a small disk: every byte a file grows by
 * takes free space, truncation gives it back, and a write that does not fit writes the part that
 * fits and then fails with "No space left on device" (ENOSPC after a short write). With
 * {@link #shortWrites} set, every write also writes at most a few bytes per call, as a kernel may.
 * Hand-written fake over the real {@link JournalFile#channels()}. Thread-safe.
 */
final class FaultyDisk implements JournalFile.Opener {

    static final long UNLIMITED = Long.MAX_VALUE / 4;

    private final JournalFile.Opener real = JournalFile.channels();
    private final AtomicLong free = new AtomicLong(UNLIMITED);
    final AtomicLong enospc = new AtomicLong();
    volatile boolean shortWrites;

    /** Leaves {@code bytes} of free space (the disk "fills up" to that). */
    void free(long bytes) {
        free.set(bytes);
    }

    void unlimited() {
        free.set(UNLIMITED);
    }

    long free() {
        return free.get();
    }

    @Override
    public JournalFile open(Path path) throws IOException {
        JournalFile file = real.open(path);
        return new JournalFile() {
            @Override
            public long size() throws IOException {
                return file.size();
            }

            @Override
            public int read(ByteBuffer dst, long position) throws IOException {
                return file.read(dst, position);
            }

            @Override
            public int write(ByteBuffer src, long position) throws IOException {
                long size = file.size();
                int wanted = src.remaining();
                if (shortWrites) {
                    wanted = Math.min(wanted, 7);
                }
                long growth = Math.max(0, position + wanted - size);
                long room = free.get();
                if (growth > room) {
                    int fits = (int) Math.max(0, Math.min(wanted, size + room - position));
                    if (fits > 0) {
                        ByteBuffer part = src.slice().limit(fits);
                        int n = file.write(part, position);
                        src.position(src.position() + n);
                        free.addAndGet(-Math.max(0, position + n - size));
                    }
                    enospc.incrementAndGet();
                    throw new IOException("No space left on device (injected)");
                }
                ByteBuffer part = src.slice().limit(wanted);
                int n = file.write(part, position);
                src.position(src.position() + n);
                free.addAndGet(-Math.max(0, position + n - size));
                return n;
            }

            @Override
            public void truncate(long newSize) throws IOException {
                long size = file.size();
                file.truncate(newSize);
                if (newSize < size) {
                    free.addAndGet(size - newSize);
                }
            }

            @Override
            public void force() throws IOException {
                file.force();
            }

            @Override
            public void close() throws IOException {
                file.close();
            }
        };
    }
}
