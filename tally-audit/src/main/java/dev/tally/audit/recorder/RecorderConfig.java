package dev.tally.audit.recorder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link Recorder}, built and validated once.
 *
 * @param chain this instance's chain id
 * @param dataDir holds the spill journal and the signing key pair
 * @param durability async (default) or sync
 * @param flushInterval longest time an entry waits in the queue before a commit (default 10 ms)
 * @param batchSize most entries per commit (default 1000)
 * @param queueCapacity entries the queue holds before new ones spill to the journal (default 65536)
 * @param checkpointEvery a signed checkpoint every this many entries (default 10000)
 * @param journalMaxBytes most bytes the spill journal may hold (default 256 MiB, at least 1 MiB);
 *     once it is that full, {@link Recorder#recordable()} is false while the store is failing
 * @param whenUnrecordable what a gateway does with new calls while nothing can record them
 *     (default {@link WhenUnrecordable#REFUSE}); the recorder only carries it
 */
public record RecorderConfig(
        String chain,
        Path dataDir,
        Durability durability,
        Duration flushInterval,
        int batchSize,
        int queueCapacity,
        int checkpointEvery,
        long journalMaxBytes,
        WhenUnrecordable whenUnrecordable) {

    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(10);
    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    public static final int DEFAULT_CHECKPOINT_EVERY = 10_000;
    public static final long DEFAULT_JOURNAL_MAX_BYTES = 256L * 1024 * 1024;
    public static final long MIN_JOURNAL_MAX_BYTES = 1024L * 1024;

    public RecorderConfig {
        Objects.requireNonNull(chain, "chain");
        Objects.requireNonNull(dataDir, "data_dir");
        Objects.requireNonNull(durability, "durability");
        Objects.requireNonNull(flushInterval, "flush_interval");
        if (chain.isBlank()) {
            throw new IllegalArgumentException("chain: '' (expected: a non-empty instance id)");
        }
        if (flushInterval.isNegative() || flushInterval.isZero() || flushInterval.toMillis() > 60_000) {
            throw new IllegalArgumentException("flush_interval: " + flushInterval.toMillis() + "ms (expected: 1..60000 ms)");
        }
        if (batchSize < 1 || batchSize > 100_000) {
            throw new IllegalArgumentException("batch_size: " + batchSize + " (expected: 1..100000)");
        }
        if (queueCapacity < 16) {
            throw new IllegalArgumentException("queue_capacity: " + queueCapacity + " (expected: >= 16)");
        }
        Objects.requireNonNull(whenUnrecordable, "when_unrecordable");
        if (journalMaxBytes < MIN_JOURNAL_MAX_BYTES) {
            throw new IllegalArgumentException("journal_max_bytes: " + journalMaxBytes + " (expected: >= "
                    + MIN_JOURNAL_MAX_BYTES + ")");
        }
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpoint_every: " + checkpointEvery + " (expected: >= 1)");
        }
    }

    /** Defaults for {@code chain} in {@code dataDir}. */
    public static RecorderConfig defaults(String chain, Path dataDir) {
        return new RecorderConfig(chain, dataDir, Durability.ASYNC, DEFAULT_FLUSH_INTERVAL, DEFAULT_BATCH_SIZE,
                DEFAULT_QUEUE_CAPACITY, DEFAULT_CHECKPOINT_EVERY, DEFAULT_JOURNAL_MAX_BYTES, WhenUnrecordable.REFUSE);
    }

    public RecorderConfig withDurability(Durability value) {
        return new RecorderConfig(chain, dataDir, value, flushInterval, batchSize, queueCapacity, checkpointEvery,
                journalMaxBytes, whenUnrecordable);
    }

    public RecorderConfig withCheckpointEvery(int value) {
        return new RecorderConfig(chain, dataDir, durability, flushInterval, batchSize, queueCapacity, value,
                journalMaxBytes, whenUnrecordable);
    }

    public RecorderConfig withQueueCapacity(int value) {
        return new RecorderConfig(chain, dataDir, durability, flushInterval, batchSize, value, checkpointEvery,
                journalMaxBytes, whenUnrecordable);
    }

    public RecorderConfig withBatch(Duration interval, int size) {
        return new RecorderConfig(chain, dataDir, durability, interval, size, queueCapacity, checkpointEvery,
                journalMaxBytes, whenUnrecordable);
    }

    public RecorderConfig withJournalMaxBytes(long value) {
        return new RecorderConfig(chain, dataDir, durability, flushInterval, batchSize, queueCapacity, checkpointEvery,
                value, whenUnrecordable);
    }

    public RecorderConfig withWhenUnrecordable(WhenUnrecordable value) {
        return new RecorderConfig(chain, dataDir, durability, flushInterval, batchSize, queueCapacity, checkpointEvery,
                journalMaxBytes, value);
    }
}
