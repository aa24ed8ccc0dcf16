package dev.tally.gateway.retention;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs {@link RetentionRun} at start and then every {@code interval} (an hour in
 * {@code tally serve}) on one daemon platform thread, {@code tally-retention}. The cut-offs come
 * from the run's injected clock; only the pause between runs is real time.
 *
 * <p>Policy on failure: a run that fails (store down, disk full, even an unexpected exception)
 * is logged and counted in {@link RetentionStats#failedRuns()}, and the schedule goes on; it
 * never stops the server and never stops later runs. Runs never overlap: the next one is
 * scheduled {@code interval} after the previous one ended.
 *
 * <p>Thread-safe. {@link #close()} interrupts a run in progress (a prune already handed to the
 * recorder still completes in its transaction, or not at all) and returns once the thread has
 * stopped; close it before the recorder.
 */
public final class RetentionScheduler implements AutoCloseable {

    /** Pause between runs in {@code tally serve}. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofHours(1);

    private static final System.Logger LOG = System.getLogger(RetentionScheduler.class.getName());

    private final RetentionRun run;
    private final ScheduledExecutorService executor;
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failedRuns = new AtomicLong();
    private final AtomicLong entriesDeleted = new AtomicLong();
    private final AtomicLong payloadsDeleted = new AtomicLong();
    private final AtomicReference<RetentionOutcome> last = new AtomicReference<>();

    private RetentionScheduler(RetentionRun run) {
        this.run = run;
        this.executor = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("tally-retention").daemon().factory());
    }

    /** Starts the schedule; the first run begins at once on the scheduler's thread. Returns immediately. */
    public static RetentionScheduler start(RetentionRun run, Duration interval) {
        Objects.requireNonNull(run, "run");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: positive)");
        }
        RetentionScheduler scheduler = new RetentionScheduler(run);
        scheduler.executor.scheduleWithFixedDelay(scheduler::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return scheduler;
    }

    /** The counters so far. */
    public RetentionStats stats() {
        return new RetentionStats(runs.get(), failedRuns.get(), entriesDeleted.get(), payloadsDeleted.get(),
                Optional.ofNullable(last.get()));
    }

    private void runOnce() {
        try {
            RetentionOutcome outcome = run.run();
            entriesDeleted.addAndGet(outcome.entries().deleted());
            payloadsDeleted.addAndGet(outcome.payloads().deleted());
            if (outcome.failed()) {
                failedRuns.incrementAndGet(); // the run logged what failed
            }
            last.set(outcome);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // closing: not a failure, and no count for a run that did not finish
        } catch (RuntimeException | Error e) {
            // Caught so the schedule survives: an exception escaping here would cancel every later run.
            failedRuns.incrementAndGet();
            LOG.log(Level.ERROR, "retention: run failed unexpectedly (tried again at the next run)", e);
        }
        runs.incrementAndGet();
    }

    /** Stops the schedule; returns when the thread has stopped (waiting at most 30 s for a run to end). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "retention: a run is still going after 30 s; leaving it to finish on its daemon thread");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
