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
 * @param signInterval a signed head is written at most this long after the first unsigned entry
 *     (default 1 s; 1 ms..1 h)
 * @param signingKeyFile the Ed25519 private key file, public key beside it as {@code signing.pub};
 *     null = {@code <dataDir>/signing.key}
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
        Duration signInterval,
        Path signingKeyFile,
        long journalMaxBytes,
        WhenUnrecordable whenUnrecordable) {

    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(10);
    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    public static final int DEFAULT_CHECKPOINT_EVERY = 10_000;
    public static final Duration DEFAULT_SIGN_INTERVAL = Duration.ofSeconds(1);
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
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpoint_every: " + checkpointEvery + " (expected: >= 1)");
        }
        Objects.requireNonNull(signInterval, "sign_interval");
        if (signInterval.toMillis() < 1 || signInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("sign_interval: " + signInterval.toMillis() + "ms (expected: 1 ms..1 h)");
        }
        Objects.requireNonNull(whenUnrecordable, "when_unrecordable");
        if (journalMaxBytes < MIN_JOURNAL_MAX_BYTES) {
            throw new IllegalArgumentException("journal_max_bytes: " + journalMaxBytes + " (expected: >= "
                    + MIN_JOURNAL_MAX_BYTES + ")");
        }
    }

    /** Settings as before signed heads and the journal cap: those at their defaults. */
    public RecorderConfig(String chain, Path dataDir, Durability durability, Duration flushInterval, int batchSize,
            int queueCapacity, int checkpointEvery) {
        this(chain, dataDir, durability, flushInterval, batchSize, queueCapacity, checkpointEvery,
                DEFAULT_SIGN_INTERVAL, null, DEFAULT_JOURNAL_MAX_BYTES, WhenUnrecordable.REFUSE);
    }

    /** The signing key file: {@link #signingKeyFile} or {@code <dataDir>/signing.key}. */
    public Path signingKeyPath() {
        return signingKeyFile != null ? signingKeyFile : dataDir.resolve(dev.tally.audit.chain.SigningKeys.PRIVATE_FILE);
    }

    public RecorderConfig withSignInterval(Duration value) {
        return new RecorderConfig(chain, dataDir, durability, flushInterval, batchSize, queueCapacity, checkpointEvery,
                value, signingKeyFile, journalMaxBytes, whenUnrecordable);
    }

    public RecorderConfig withSigningKeyFile(Path value) {
        return new RecorderConfig(chain, dataDir, durability, flushInterval, batchSize, queueCapacity, checkpointEvery,
                signInterval, value, journalMaxBytes, whenUnrecordable);
    }

    /** Defaults for {@code chain} in {@code dataDir}. */
    public static RecorderConfig defaults(String chain, Path dataDir) {
        return new RecorderConfig(chain, dataDir, Durability.ASYNC, DEFAULT_FLUSH_INTERVAL, DEFAULT_BATCH_SIZE,
                DEFAULT_QUEUE_CAPACITY, DEFAULT_CHECKPOINT_EVERY);
    }

    public RecorderConfig withDurability(Durability value) {
        return new RecorderConfig(chain, dataDir, value, flushInterval, batchSize, queueCapacity, checkpointEvery,
                signInterval, signingKeyFile, journalMaxBytes, whenUnrecordable);
    }

    public RecorderConfig withCheckpointEvery(int value) {
        return new RecorderConfig(chain, dataDir, durability, flushInterval, batchSize, queueCapacity, value,
                signInterval, signingKeyFile, journalMaxBytes, whenUnrecordable);
    }

    public RecorderConfig withQueueCapacity(int value) {
        return new RecorderConfig(chain, dataDir, durability, flushInterval, batchSize, value, checkpointEvery,
                signInterval, signingKeyFile, journalMaxBytes, whenUnrecordable);
    }

    public RecorderConfig withBatch(Duration interval, int size) {
        return new RecorderConfig(chain, dataDir, durability, interval, size, queueCapacity, checkpointEvery,
                signInterval, signingKeyFile, journalMaxBytes, whenUnrecordable);
    }

    public RecorderConfig withJournalMaxBytes(long value) {
        return new RecorderConfig(chain, dataDir, durability, flushInterval, batchSize, queueCapacity, checkpointEvery,
                signInterval, signingKeyFile, value, whenUnrecordable);
    }

    public RecorderConfig withWhenUnrecordable(WhenUnrecordable value) {
        return new RecorderConfig(chain, dataDir, durability, flushInterval, batchSize, queueCapacity, checkpointEvery,
                signInterval, signingKeyFile, journalMaxBytes, value);
    }
}
